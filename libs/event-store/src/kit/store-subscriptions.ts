import { RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { CatchUpSubscription } from '../subscription/catch-up-subscription';

/**
 * What every adapter keeps about its subscriptions and its closing: the subscriptions still running
 * (each forgotten when it ends), no new one once the store is closing, and a close that runs once
 * (every later call shares its promise).
 */
export class StoreSubscriptions<S extends Subscription> {
  private readonly running = new Set<S>();
  private closing: Promise<void> | undefined;

  /** Keeps the subscription `create` makes, given the onEnded that forgets it. Throws once the store is closing. */
  add(create: (onEnded: () => void) => S): S {
    if (this.closing) throw new Error('the event store is closed');
    const subscription: S = create(() => this.running.delete(subscription));
    this.running.add(subscription);
    return subscription;
  }

  /**
   * Closes the store, once: `drain` first (what must still reach the subscriptions, e.g. appends
   * waiting for their group commit), then every subscription is stopped (after its handler in
   * flight), then `release` lets go of the connection. New subscriptions are refused from the call on.
   */
  close(steps: { drain?: () => Promise<void>; release: () => void | Promise<void> }): Promise<void> {
    this.closing ??= (async () => {
      await steps.drain?.();
      await Promise.all([...this.running].map((subscription) => subscription.stop()));
      await steps.release();
    })();
    return this.closing;
  }

  protected get all(): Iterable<S> {
    return this.running;
  }
}

/** The options of an adapter whose subscriptions read the log in pages (CatchUpSubscription). */
export interface CatchUpOptions {
  /** How often a caught-up subscription reads again when nothing woke it (each adapter says its default, and why). */
  pollIntervalMs?: number;
  /** How many events a subscription reads per query. Default 500. */
  subscriptionBatchSize?: number;
}

const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 500;

/** The subscriptions of an adapter that reads the log in pages: each a CatchUpSubscription, woken together. */
export class CatchUpSubscriptions extends StoreSubscriptions<CatchUpSubscription> {
  /** How many events one read asks for, unless a subscriber asks for another number. */
  readonly batchSize: number;
  private readonly pollIntervalMs: number;

  constructor(options: CatchUpOptions, defaultPollIntervalMs: number) {
    super();
    this.batchSize = options.subscriptionBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
  }

  /** A subscription that reads with `readAfter` (see CatchUpSubscriptionSettings). */
  subscribe(
    checkpoint: bigint,
    handler: SubscriptionHandler,
    options: SubscribeOptions,
    readAfter: (position: bigint, limit: number) => Promise<RecordedEvent[]>,
  ): CatchUpSubscription {
    return this.add(
      (onEnded) => new CatchUpSubscription(checkpoint, handler, options, { readAfter, batchSize: this.batchSize, pollIntervalMs: this.pollIntervalMs, onEnded }),
    );
  }

  /** An append this store can see may have committed: every subscription waiting for one reads again at once. */
  wake(): void {
    for (const subscription of this.all) subscription.wake();
  }
}
