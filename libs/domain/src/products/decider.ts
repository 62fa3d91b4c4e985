import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { ProductCommand } from './commands';
import { ProductEvent, ProductTerms } from './events';
import { assertProductTerms } from './terms';

export type ProductState =
  | { published: false }
  | { published: true; insurerId: string; version: number; terms: ProductTerms; retired: boolean };
type PublishedProduct = Extract<ProductState, { published: true }>;

function decide(command: ProductCommand, state: ProductState): ProductEvent[] {
  const { productId, insurerId, now } = command.data;
  if (insurerId.trim() === '') throw new InvalidCommand('insurerId', 'must not be empty');
  switch (command.type) {
    case 'PublishProduct': {
      assertProductTerms(command.data.terms);
      if (state.published) throw new Conflict(`product ${productId} is already published`, 'product.already-published');
      return [{ type: 'ProductPublished', data: { productId, insurerId, version: 1, terms: command.data.terms, publishedAt: now } }];
    }
    case 'ReviseProduct': {
      assertProductTerms(command.data.terms);
      const product = ownedActiveProduct(productId, insurerId, state);
      return [{ type: 'ProductRevised', data: { productId, insurerId, version: product.version + 1, terms: command.data.terms, revisedAt: now } }];
    }
    case 'RetireProduct': {
      const product = ownedActiveProduct(productId, insurerId, state);
      return [{ type: 'ProductRetired', data: { productId, insurerId, version: product.version, retiredAt: now } }];
    }
  }
}

function evolve(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductPublished':
    case 'ProductRevised': {
      const { insurerId, version, terms } = event.data;
      return { published: true, insurerId, version, terms, retired: false };
    }
    case 'ProductRetired':
      return state.published ? { ...state, retired: true } : state;
  }
}

export const productDecider: Decider<ProductCommand, ProductState, ProductEvent> = {
  decide,
  evolve,
  initialState: () => ({ published: false }),
};

function ownedActiveProduct(productId: string, insurerId: string, state: ProductState): PublishedProduct {
  if (!state.published) throw new NotFound(`product ${productId}`);
  if (state.insurerId !== insurerId) throw new Forbidden(`product ${productId} belongs to another insurer`, 'product.other-insurer');
  if (state.retired) throw new Conflict(`product ${productId} is retired`, 'product.retired');
  return state;
}
