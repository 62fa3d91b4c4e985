import { ForbiddenException } from '@nestjs/common';
import { productDecider, streams } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { deciderCommandHandler, UserCommand } from '../infrastructure/decider-command';
import { PublishProductDto, toProductTerms } from './products.dto';

/** The insurer a user acts for; only insurers manage products. */
export function actingInsurer(context: RequestContext): string {
  if (context.user.role !== 'insurer' || !context.user.insurerId) throw new ForbiddenException('only an insurer can do this');
  return context.user.insurerId;
}

export class PublishProductCommand extends UserCommand<PublishProductDto, { productId: string; version: number }> {}

export const PublishProductHandler = deciderCommandHandler(PublishProductCommand, productDecider)({
  facts: ({ context }) => ({ productId: context.newId() }),
  stream: ({ facts }) => streams.product(facts.productId),
  command: ({ context, input, now, facts: { productId } }) => ({ type: 'PublishProduct', data: { productId, insurerId: actingInsurer(context), terms: toProductTerms(input.terms), now } }),
  answer: ({ facts: { productId } }) => ({ productId, version: 1 }),
});

export class ReviseProductCommand extends UserCommand<{ productId: string; body: PublishProductDto }, { productId: string; version: number }> {}

export const ReviseProductHandler = deciderCommandHandler(ReviseProductCommand, productDecider)({
  stream: ({ input }) => streams.product(input.productId),
  command: ({ context, input: { productId, body }, now }) => ({ type: 'ReviseProduct', data: { productId, insurerId: actingInsurer(context), terms: toProductTerms(body.terms), now } }),
  answer: ({ input: { productId }, decided: { state } }) => ({ productId, version: state.published ? state.version : 0 }),
});

export class RetireProductCommand extends UserCommand<{ productId: string }> {}

export const RetireProductHandler = deciderCommandHandler(RetireProductCommand, productDecider)({
  stream: ({ input }) => streams.product(input.productId),
  command: ({ context, input: { productId }, now }) => ({ type: 'RetireProduct', data: { productId, insurerId: actingInsurer(context), now } }),
});

export const productCommandHandlers = [PublishProductHandler, ReviseProductHandler, RetireProductHandler];
