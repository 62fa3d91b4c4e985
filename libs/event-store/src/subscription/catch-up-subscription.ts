import { RecordedEvent, SubscribeOptions, SubscriptionHandler } from '../event-store.port';
import { DeliveringSubscription } from './delivering-subscription';

export interface CatchUpSubscriptionSettings {
  /**
   * Reads at most `limit` events after `position`, in global order. A rejected read (e.g. the
   * database is restarting) is tried again after the subscription's retry delay.
   */
  readAfter: (position: bigint, limit: number) => Promise<RecordedEvent[]>;
  /** How many events one read asks for, unless the subscriber asks for another number (readBatchSize). */
  batchSize: number;
  /** How long a caught-up subscription waits for a wake() before it reads again anyway. */
  pollIntervalMs: number;
  /** Called once, when the subscription has ended (stopped or failed). */
  onEnded: () => void;
}

/**
 * A subscription that pulls: it reads a batch after the last delivered position, delivers it, and
 * reads again; once a read comes back empty it waits until wake() (the store saw an append) or the
 * poll interval has passed. Correct only on a log that readers cannot skip events of, i.e. one whose
 * positions become visible in order: each adapter says why its log is one.
 */
export class CatchUpSubscription extends DeliveringSubscription {
  /** Set by wake(): an append committed since the last read started, so the next one must not wait. */
  private appendSeen = false;
  private readonly readBatchSize: number;

  constructor(checkpoint: bigint, handler: SubscriptionHandler, options: SubscribeOptions, private readonly settings: CatchUpSubscriptionSettings) {
    super(checkpoint, handler, options, settings.onEnded);
    this.readBatchSize = options.readBatchSize ?? settings.batchSize;
  }

  /** Called by the store when an append it can see may have committed. */
  wake(): void {
    this.appendSeen = true;
    this.endPauseOnWake();
  }

  protected override async deliverUntilStopped(): Promise<void> {
    while (!this.stopRequested) {
      this.appendSeen = false;
      const batch = await this.settings.readAfter(this.deliveredThrough, this.readBatchSize).catch(() => undefined);
      if (batch === undefined) {
        // The store could not be read (a lost connection): the subscription outlives the outage.
        await this.sleep(this.retryDelayMs);
        continue;
      }
      if (batch.length === 0) {
        // The read is asynchronous: an append that committed after its snapshot but before this point
        // has already called wake(), which appendSeen remembers.
        if (!this.appendSeen) await this.sleep(this.settings.pollIntervalMs, true);
        continue;
      }
      for (const event of batch) {
        if (!(await this.deliver(event, batch))) return;
      }
    }
  }
}
