import { setTimeout as sleep } from 'node:timers/promises';
import { generateSignerKey } from '@pangolin/transparency';
import { allProjections } from './registry';
import { ProjectionRunner } from './projection-runner';
import { auditMerkleLog } from './merkle-log/audit-merkle-log';
import { RECORDS_DATABASE, signCheckpoint, signedCheckpointSource } from '@pangolin/records';
import { merkleLogSize } from './merkle-log/merkle-log.queries';
import { giftTrace } from './donor-view/donor-view.queries';
import { recordedEvents } from './testing/recorded-events';
import { projectedStory, type ProjectedStory } from './testing/projected-story';
import { PRODUCT, storyHouseholdKeys } from './testing/story';

/**
 * The embedded event store keeps event data as JSON text, where an unpaired UTF-16 surrogate is
 * written as the escape "\ud800" and read back as that surrogate. Whatever text a command let
 * through, every projection must apply the stored event, and the Merkle log must make it a leaf.
 */
describe('an event whose text holds an unpaired surrogate', () => {
  const { signerKey, verifierKey } = generateSignerKey('pangolin.test/log');
  let story: ProjectedStory;
  beforeEach(async () => {
    story = await projectedStory({ records: RECORDS_DATABASE });
  });
  afterEach(() => story.close());

  it('is projected everywhere, becomes the next leaf, and the audit agrees', async () => {
    const [pledged, paid] = recordedEvents([
      { type: 'GiftPledged', data: { giftId: 'gift-lone', donorId: 'donor-a', amount: { amount: 100, currency: 'CNY' }, target: { kind: 'household', householdId: 'hh-1', productId: PRODUCT }, remainder: 'refund', pledgedAt: '2024-02-01T00:00:00.000Z' } },
      { type: 'GiftPaymentConfirmed', data: { giftId: 'gift-lone', donorId: 'donor-a', paymentReference: 'BANK-\ud800-\udfff', amount: { amount: 100, currency: 'CNY' }, confirmedAt: '2024-02-01T00:00:00.000Z' } },
    ]).map((event, index) => ({ ...event, eventId: `event-lone-${index}` }));
    await story.store.append(pledged.streamId, 'no-stream', [pledged, paid]);
    expect((await story.store.readStream(pledged.streamId))[1].data).toMatchObject({ paymentReference: 'BANK-\ud800-\udfff' });

    const errors: unknown[] = [];
    const runner = new ProjectionRunner(story.store, story.dataSource, allProjections(storyHouseholdKeys), { retryDelayMs: 1, onError: (error) => errors.push(error) });
    await runner.start();
    const head = await story.store.headPosition();
    // A deadline: on the old code the runner retried the event forever.
    await Promise.race([runner.caughtUpTo(head), sleep(8_000).then(() => Promise.reject(new Error(`projections did not reach ${head} in 8 s: ${errors[0]}`)))]).finally(() => runner.stop());

    expect(errors).toEqual([]);
    expect((await runner.lag()).every(({ behind }) => behind === 0n)).toBe(true);
    expect(await merkleLogSize(story.dataSource.manager)).toBe(head);
    expect(await giftTrace(story.dataSource.manager, 'gift-lone')).toMatchObject({ received: { amount: 100, currency: 'CNY' } });
    await signCheckpoint(story.dataSource, story.records, { origin: 'pangolin.test/log', signerKey });
    expect(await auditMerkleLog(story.store, story.dataSource, signedCheckpointSource(story.records), { verifierKey, origin: 'pangolin.test/log' })).toMatchObject({ ok: true, logSize: head });
  }, 20_000);
});
