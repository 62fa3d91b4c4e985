import { Inject, Injectable, InternalServerErrorException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Decided } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import { storedLeavesOf } from '@pangolin/read-models';
import { issuePromises } from '@pangolin/records';
import { eventLeafHash, type InclusionPromise, type PromisedLeaf } from '@pangolin/transparency';
import { CheckpointPublisher, EVENT_STORE, EventPipeline, PANGOLIN_CONFIG, PangolinConfig, READ_DB, RECORDS_DB } from '@pangolin/runtime';

interface Waiting {
  leaves: PromisedLeaf[];
  resolve(note: string): void;
  reject(error: unknown): void;
}

/**
 * Inclusion promises (issue #14): a command that records money is answered with a note signed by
 * the log's key promising that its events are in a checkpoint within the maximum merge delay
 * (TRANSPARENCY_PROMISE_MAX_DELAY_SECONDS), so deleting an acknowledged payment before the next
 * checkpoint is caught by `npm run audit` and by `pangolin-verify promise`. Every promise is kept.
 *
 * Promises are issued in groups, like the event store's group commit: the answers that ask for one
 * while the last group is being stored each get their own note (their own leaves only, as if alone),
 * and the group's notes are kept in one INSERT: one commit (one sync) per group, not per answer.
 */
@Injectable()
export class MoneyPromises {
  private waiting: Waiting[] = [];
  private issuing = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
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
    const leaves = await this.leavesOf(decided);
    return leaves && this.issue(leaves);
  }

  /** The leaves of the command's events, each checked against its event; undefined if the log does not hold them all (yet). */
  private async leavesOf(decided: Pick<Decided<unknown, unknown>, 'streamId' | 'events' | 'revision' | 'position'>): Promise<PromisedLeaf[] | undefined> {
    const { revision } = decided;
    if (revision === 'no-stream') return undefined;
    const count = Math.max(1, decided.events.length);
    // The whole stream: the embedded store serves it from memory (a command has just read or written it).
    const events = (await this.store.readStream(decided.streamId)).filter((event) => event.revision > revision - count && event.revision <= revision);
    const manager = this.db.manager;
    const ids = events.map((event) => event.eventId);
    let stored = await storedLeavesOf(manager, ids);
    if (stored.size < ids.length && (await this.pipeline.settle(decided.position))) stored = await storedLeavesOf(manager, ids);
    if (stored.size < ids.length) return undefined;
    const leaves: PromisedLeaf[] = [];
    for (const event of events) {
      const leaf = stored.get(event.eventId)!;
      // Never promise a leaf the log does not hold.
      if (Buffer.compare(Buffer.from(leaf.leafHash), Buffer.from(eventLeafHash(event))) !== 0) {
        throw new InternalServerErrorException(`event ${event.eventId} (leaf ${leaf.leafIndex}) does not match the transparency log: the event store may have been altered. Run \`npm run audit\``);
      }
      leaves.push(leaf);
    }
    return leaves.sort((a, b) => (a.leafIndex < b.leafIndex ? -1 : a.leafIndex > b.leafIndex ? 1 : 0));
  }

  /** Waits for the next group of promises, which will name `leaves`. */
  private issue(leaves: PromisedLeaf[]): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ leaves, resolve, reject });
      // The answers that ask on this turn of the event loop join the group; under load, also those asking while the last group is stored.
      if (!this.issuing && this.waiting.length === 1) setImmediate(() => void this.issueWaiting());
    });
  }

  private async issueWaiting(): Promise<void> {
    if (this.issuing) return;
    this.issuing = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting;
        this.waiting = [];
        const { origin, signerKey, promiseMaxDelaySeconds } = this.config.transparency;
        const issuedAt = new Date().toISOString();
        try {
          const notes = await issuePromises(this.records, group.map(({ leaves }): InclusionPromise => ({ origin, issuedAt, maxMergeDelaySeconds: promiseMaxDelaySeconds, leaves })), signerKey);
          this.publisher.signWithin(promiseMaxDelaySeconds * 1000);
          group.forEach((answer, i) => answer.resolve(notes[i]!));
        } catch (error) {
          for (const answer of group) answer.reject(error);
        }
      }
    } finally {
      this.issuing = false;
    }
  }
}
