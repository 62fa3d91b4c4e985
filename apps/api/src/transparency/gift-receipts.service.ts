import { Inject, Injectable, InternalServerErrorException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { giftTraceEvents } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import type { RecordedEvent } from '@pangolin/event-store';
import { inclusionProofFor, leafIndicesOf, storedLeafHashAt, trailLeafIndices, trailMapAt, trailStateAt } from '@pangolin/read-models';
import { cosignedNote, type SignedCheckpointRow } from '@pangolin/records';
import {
  encodeLeaf,
  formatReceipt,
  leafHash,
  parseCheckpoint,
  RECEIPT_FORMAT,
  splitNote,
  trailMapCommitmentOf,
  trailMapLeafHash,
  type ReceiptEvent,
  type ReceiptTrailMapEntry,
} from '@pangolin/transparency';
import { CheckpointPublisher, EVENT_STORE, EventPipeline, READ_DB, RECORDS_DB, WitnessCosigner } from '@pangolin/runtime';

/** How long a receipt waits for the witnesses to answer about a fresh checkpoint before it goes out with the cosignatures it has. */
const COSIGNATURE_WAIT_MS = 3_000;
/** Reads of the gift's trace before giving up, when its trail keeps growing past what was read. */
const TRACE_ATTEMPTS = 3;

@Injectable()
export class GiftReceipts {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
    private readonly pipeline: EventPipeline,
    private readonly publisher: CheckpointPublisher,
    private readonly cosigner: WitnessCosigner,
  ) {}

  /**
   * The receipt file of a gift (format pangolin-receipt/1, checked by `npx pangolin-verify`): every
   * event of its trail in its leaf encoding, each with its inclusion proof against one signed checkpoint,
   * which carries the witnesses' cosignatures gathered for it; and, when the checkpoint commits to the
   * trail map, the gift's entry in it with its proof, so the receipt is provably complete.
   */
  async receiptFor(giftId: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const receipt = await this.tryReceipt(giftId);
      if (receipt !== undefined) return receipt;
      if (attempt === TRACE_ATTEMPTS) throw new ServiceUnavailableException('the gift\'s trail is growing while its receipt is made; try again in a moment');
    }
  }

  /** The receipt, or undefined if the checkpoint holds trail events recorded after the trace was read. */
  private async tryReceipt(giftId: string): Promise<string | undefined> {
    const events = await giftTraceEvents(this.store, giftId);
    if (events.length === 0) throw new NotFoundException(`gift ${giftId} not found`);
    // Every event of the trace must be a leaf before it can be proven.
    if (!(await this.pipeline.settle(events[events.length - 1].position))) {
      throw new ServiceUnavailableException('the transparency log has not yet recorded every event of this gift; try again in a moment');
    }
    const manager = this.db.manager;
    const indices = await leafIndicesOf(manager, events.map((event) => event.eventId));
    const byLeaf = new Map<bigint, RecordedEvent>();
    for (const event of events) {
      const index = indices.get(event.eventId);
      if (index === undefined) throw new ServiceUnavailableException(`event ${event.eventId} is not yet in the transparency log; try again in a moment`);
      byLeaf.set(index, event);
    }
    const lastIndex = [...byLeaf.keys()].reduce((highest, index) => (index > highest ? index : highest), -1n);
    const checkpoint = await this.publisher.checkpointHolding(lastIndex);
    if (!checkpoint) throw new ServiceUnavailableException('no checkpoint holds this gift yet; try again in a moment');

    const completeness = await this.trailOf(giftId, checkpoint);
    // Without a trail map (a checkpoint from before them), the trace as read; with one, exactly the trail it commits to.
    const trailIndices = completeness?.indices ?? [...byLeaf.keys()].sort((a, b) => (a < b ? -1 : 1));
    if (trailIndices.some((index) => !byLeaf.has(index))) {
      const unknown = trailIndices.find((index) => !byLeaf.has(index) && index <= lastIndex);
      if (unknown !== undefined) throw new InternalServerErrorException(`leaf ${unknown} of gift ${giftId}'s trail is not among the events traced for it: the trail map and the trace disagree`);
      return undefined;
    }
    const entries: ReceiptEvent[] = [];
    for (const leafIndex of trailIndices) {
      const leaf = encodeLeaf(byLeaf.get(leafIndex)!);
      // Never hand out a receipt that would not verify: the stored event must still hash to its leaf.
      const logged = await storedLeafHashAt(manager, leafIndex);
      if (!logged || Buffer.compare(Buffer.from(logged), Buffer.from(leafHash(leaf))) !== 0) {
        throw new InternalServerErrorException(
          `event ${byLeaf.get(leafIndex)!.eventId} (leaf ${leafIndex}) no longer matches the transparency log: the event store may have been altered. Run \`npm run audit\``,
        );
      }
      entries.push({ leafIndex, leaf, inclusionProof: await inclusionProofFor(manager, leafIndex, checkpoint.size) });
    }
    await this.cosigner.answered(checkpoint.size, COSIGNATURE_WAIT_MS);
    const note = await cosignedNote(this.records.manager, checkpoint);
    return formatReceipt({ format: RECEIPT_FORMAT, giftId, checkpoint: note, events: entries, ...(completeness ? { trailMap: completeness.entry } : {}) });
  }

  /** The gift's trail as the checkpoint's trail map commits to it (leaf indexes, map entry and proof); undefined if the checkpoint has no trail map. */
  private async trailOf(giftId: string, checkpoint: SignedCheckpointRow): Promise<{ indices: bigint[]; entry: ReceiptTrailMapEntry } | undefined> {
    const commitment = trailMapCommitmentOf(parseCheckpoint(splitNote(checkpoint.note).text));
    if (commitment === undefined) return undefined;
    const manager = this.db.manager;
    const map = await trailMapAt(manager, checkpoint.size);
    if (map === undefined || !Buffer.from(map.root).equals(commitment.root)) {
      throw new InternalServerErrorException(`the trail map at size ${checkpoint.size} no longer matches the one its checkpoint commits to. Run \`npm run audit\``);
    }
    const found = map.entry(giftId);
    const state = await trailStateAt(manager, giftId, checkpoint.size);
    const indices = await trailLeafIndices(manager, giftId, checkpoint.size);
    if (found === undefined || state === undefined || state.length !== BigInt(indices.length) || !Buffer.from(trailMapLeafHash(state)).equals(found.leafHash)) {
      throw new InternalServerErrorException(`gift ${giftId}'s trail at size ${checkpoint.size} is not the one the trail map holds. Run \`npm run audit\``);
    }
    return {
      indices,
      entry: { trailLength: state.length, trailHash: state.hash, mapIndex: found.index, inclusionProof: map.inclusionProof(found.index) },
    };
  }
}
