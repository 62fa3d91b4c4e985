import { Inject, Injectable, InternalServerErrorException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Decided } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import { issuePromise, leafIndicesOf, storedLeafHashAt } from '@pangolin/read-models';
import { eventLeafHash, type PromisedLeaf } from '@pangolin/transparency';
import { CheckpointPublisher, EVENT_STORE, EventPipeline, PANGOLIN_CONFIG, PangolinConfig, READ_DB } from '@pangolin/runtime';

/**
 * Inclusion promises (issue #14): a command that records money is answered with a note signed by
 * the log's key promising that its events are in a checkpoint within the maximum merge delay
 * (TRANSPARENCY_PROMISE_MAX_DELAY_SECONDS), so deleting an acknowledged payment before the next
 * checkpoint is caught by `npm run audit` and by `pangolin-verify promise`. Every promise is kept.
 */
@Injectable()
export class MoneyPromises {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    private readonly pipeline: EventPipeline,
    private readonly publisher: CheckpointPublisher,
  ) {}

  /**
   * The promise over the events a command wrote (or, when it wrote none because it had been done
   * already, e.g. a payment confirmed again with the same reference, over the stream's latest event);
   * undefined if the log has not taken them in within the settle timeout (the answer then says
   * `promise: null`).
   */
  async promiseFor(decided: Pick<Decided<unknown, unknown>, 'streamId' | 'events' | 'revision' | 'position'>): Promise<string | undefined> {
    if (decided.revision === 'no-stream') return undefined;
    const count = Math.max(1, decided.events.length);
    const events = await this.store.readStream(decided.streamId, { fromRevision: decided.revision - count + 1, limit: count });
    const manager = this.db.manager;
    const ids = events.map((event) => event.eventId);
    let indices = await leafIndicesOf(manager, ids);
    if (indices.size < ids.length && (await this.pipeline.settle(decided.position))) indices = await leafIndicesOf(manager, ids);
    if (indices.size < ids.length) return undefined;
    const leaves: PromisedLeaf[] = [];
    for (const event of events) {
      const leafIndex = indices.get(event.eventId) as bigint;
      const leafHash = eventLeafHash(event);
      // Never promise a leaf the log does not hold.
      const logged = await storedLeafHashAt(manager, leafIndex);
      if (!logged || Buffer.compare(Buffer.from(logged), Buffer.from(leafHash)) !== 0) {
        throw new InternalServerErrorException(`event ${event.eventId} (leaf ${leafIndex}) does not match the transparency log: the event store may have been altered. Run \`npm run audit\``);
      }
      leaves.push({ leafIndex, leafHash });
    }
    leaves.sort((a, b) => (a.leafIndex < b.leafIndex ? -1 : 1));
    const { origin, signerKey, promiseMaxDelaySeconds } = this.config.transparency;
    const note = await issuePromise(manager, { origin, issuedAt: new Date().toISOString(), maxMergeDelaySeconds: promiseMaxDelaySeconds, leaves }, signerKey);
    this.publisher.signWithin(promiseMaxDelaySeconds * 1000);
    return note;
  }
}
