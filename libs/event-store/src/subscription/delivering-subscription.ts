import { RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';

/** The port's default pause before a failed handler is given the same event again. */
export const DEFAULT_RETRY_DELAY_MS = 1000;

interface ProgressWaiter {
  position: bigint;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * What every adapter's subscription shares, whatever brings it the events: delivering one event at a
 * time and awaiting the handler, retrying a failed handler with the same event after `retryDelayMs`,
 * the position delivered through (for caughtUpTo), pauses that stop() ends, and the end of the
 * subscription. A subclass supplies `deliverUntilStopped`, which finds the events and hands each to
 * `deliver`.
 */
export abstract class DeliveringSubscription implements Subscription {
  /** The position of the last event the handler accepted (the checkpoint at first). */
  protected deliveredThrough: bigint;
  protected stopRequested = false;
  private ended = false;
  /** Why the subscription failed, when it did: it then ends. */
  private failure: unknown;
  private pause: { finish: () => void; endsOnWake: boolean } | undefined;
  private readonly progressWaiters = new Set<ProgressWaiter>();
  protected readonly retryDelayMs: number;
  private readonly onError: ((error: unknown, event: RecordedEvent) => void) | undefined;
  private readonly loop: Promise<void>;

  protected constructor(
    checkpoint: bigint,
    private readonly handler: SubscriptionHandler,
    options: SubscribeOptions,
    /** Called once, when the subscription has ended (stopped or failed). */
    private readonly onEnded: () => void,
  ) {
    this.deliveredThrough = checkpoint;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.onError = options.onError;
    // Started on a microtask so that the handler never runs inside the caller's subscribe() call
    // (and after the subclass's constructor has finished).
    this.loop = Promise.resolve().then(() => this.run());
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.pause?.finish();
    this.onStopRequested();
    await this.loop;
  }

  caughtUpTo(position: bigint): Promise<void> {
    if (this.deliveredThrough >= position) return Promise.resolve();
    if (this.ended) return Promise.reject(this.endedBefore(position));
    return new Promise((resolve, reject) => this.progressWaiters.add({ position, resolve, reject }));
  }

  /**
   * Finds events and hands each, in global order, to `deliver`, until stopRequested (or `deliver`
   * returns false). Throwing ends the subscription as failed.
   */
  protected abstract deliverUntilStopped(): Promise<void>;

  /** Called by stop() after it has set stopRequested and ended a pause: end whatever else the loop waits on. */
  protected onStopRequested(): void {}

  /**
   * Retries the event until the handler succeeds, then records it as delivered; false if the
   * subscription was stopped first. `read`: the page the event was read with, if any (see SubscriptionHandler).
   */
  protected async deliver(event: RecordedEvent, read?: readonly RecordedEvent[]): Promise<boolean> {
    while (!this.stopRequested) {
      try {
        await this.handler(event, read);
        this.deliveredThrough = event.position;
        this.resolveReachedWaiters();
        return true;
      } catch (error) {
        try {
          this.onError?.(error, event);
        } catch {
          // A failing error reporter must not stop delivery.
        }
        await this.sleep(this.retryDelayMs);
      }
    }
    return false;
  }

  /** Resolves after `ms`, or earlier on stop (and on endPauseOnWake() when `endsOnWake`). */
  protected sleep(ms: number, endsOnWake = false): Promise<void> {
    // stop() may have come while a read or the handler was in flight, when there was no pause to end.
    if (this.stopRequested) return Promise.resolve();
    return new Promise((resolve) => {
      // Not unref'd: a worker process whose only job is a subscription must stay alive while it waits.
      const timer = setTimeout(() => finish(), ms);
      const finish = () => {
        clearTimeout(timer);
        this.pause = undefined;
        resolve();
      };
      this.pause = { finish, endsOnWake };
    });
  }

  /** Ends the current pause if it was started with `endsOnWake`. */
  protected endPauseOnWake(): void {
    if (this.pause?.endsOnWake) this.pause.finish();
  }

  private async run(): Promise<void> {
    try {
      await this.deliverUntilStopped();
    } catch (error) {
      this.failure = error;
    } finally {
      this.ended = true;
      for (const waiter of this.progressWaiters) waiter.reject(this.endedBefore(waiter.position));
      this.progressWaiters.clear();
      this.onEnded();
    }
  }

  private resolveReachedWaiters(): void {
    for (const waiter of this.progressWaiters) {
      if (this.deliveredThrough >= waiter.position) {
        waiter.resolve();
        this.progressWaiters.delete(waiter);
      }
    }
  }

  private endedBefore(position: bigint): Error {
    const reason = this.failure === undefined ? 'was stopped' : 'failed';
    return new Error(`the subscription ${reason} at position ${this.deliveredThrough}, before reaching ${position}`, {
      cause: this.failure,
    });
  }
}
