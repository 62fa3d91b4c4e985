import { Inject, Injectable, InternalServerErrorException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { giftTraceEvents } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import { cosignedNote, inclusionProofFor, leafIndicesOf, storedLeafHashAt } from '@pangolin/read-models';
import { encodeLeaf, formatReceipt, leafHash, RECEIPT_FORMAT, type ReceiptEvent } from '@pangolin/transparency';
import { CheckpointPublisher, EVENT_STORE, EventPipeline, READ_DB, WitnessCosigner } from '@pangolin/runtime';

/** How long a receipt waits for the witnesses to answer about a fresh checkpoint before it goes out with the cosignatures it has. */
const COSIGNATURE_WAIT_MS = 3_000;

@Injectable()
export class GiftReceipts {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly pipeline: EventPipeline,
    private readonly publisher: CheckpointPublisher,
    private readonly cosigner: WitnessCosigner,
  ) {}

  /**
   * The receipt file of a gift (format pangolin-receipt/1, checked by `npx pangolin-verify`): every
   * event of its trace in its leaf encoding, each with its inclusion proof against one signed checkpoint,
   * which carries the witnesses' cosignatures gathered for it.
   */
  async receiptFor(giftId: string): Promise<string> {
    const events = await giftTraceEvents(this.store, giftId);
    if (events.length === 0) throw new NotFoundException(`gift ${giftId} not found`);
    // Every event of the trace must be a leaf before it can be proven.
    if (!(await this.pipeline.settle(events[events.length - 1].position))) {
      throw new ServiceUnavailableException('the transparency log has not yet recorded every event of this gift; try again in a moment');
    }
    const manager = this.db.manager;
    const indices = await leafIndicesOf(manager, events.map((event) => event.eventId));
    const lastIndex = events.reduce((highest, event) => {
      const index = indices.get(event.eventId);
      if (index === undefined) throw new ServiceUnavailableException(`event ${event.eventId} is not yet in the transparency log; try again in a moment`);
      return index > highest ? index : highest;
    }, -1n);
    const checkpoint = await this.publisher.checkpointHolding(lastIndex);
    if (!checkpoint) throw new ServiceUnavailableException('no checkpoint holds this gift yet; try again in a moment');
    const entries: ReceiptEvent[] = [];
    for (const event of events) {
      const leafIndex = indices.get(event.eventId) as bigint;
      const leaf = encodeLeaf(event);
      // Never hand out a receipt that would not verify: the stored event must still hash to its leaf.
      const logged = await storedLeafHashAt(manager, leafIndex);
      if (!logged || Buffer.compare(Buffer.from(logged), Buffer.from(leafHash(leaf))) !== 0) {
        throw new InternalServerErrorException(
          `event ${event.eventId} (leaf ${leafIndex}) no longer matches the transparency log: the event store may have been altered. Run \`npm run audit\``,
        );
      }
      entries.push({ leafIndex, leaf, inclusionProof: await inclusionProofFor(manager, leafIndex, checkpoint.size) });
    }
    await this.cosigner.answered(checkpoint.size, COSIGNATURE_WAIT_MS);
    return formatReceipt({ format: RECEIPT_FORMAT, giftId, checkpoint: await cosignedNote(manager, checkpoint), events: entries });
  }
}
