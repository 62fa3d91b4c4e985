import { coversPeril, PerilKind, ProductEvent, ProductTerms, streams } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';

/** Every version of a product's terms, by version number (a revision changes new policies only). */
export async function productTermsByVersion(store: EventStore, productId: string): Promise<Map<number, ProductTerms>> {
  const versions = new Map<number, ProductTerms>();
  for (const recorded of await store.readStream(streams.product(productId))) {
    const event = { type: recorded.type, data: recorded.data } as ProductEvent;
    if (event.type === 'ProductPublished' || event.type === 'ProductRevised') versions.set(event.data.version, event.data.terms);
  }
  return versions;
}

/** Those of `productIds` that cover `peril` in some version: policies written on that version are paid by a declaration. */
export async function productsCoveringPeril(store: EventStore, productIds: readonly string[], peril: PerilKind): Promise<string[]> {
  const covering: string[] = [];
  for (const productId of productIds) {
    const versions = await productTermsByVersion(store, productId);
    if ([...versions.values()].some((terms) => coversPeril(terms.parametric, peril))) covering.push(productId);
  }
  return covering;
}
