import { cosignCheckpoint, generateCosignerKey, parseCosignerKey } from '../cosigning/cosignature';
import { thresholdPolicy } from '../cosigning/witness-policy';
import { generateSignerKey, signNote } from '../signed-note/signed-note';
import { describeTrail, formatMoney, formatReceipt, parseReceipt, verifyReceipt } from '.';
import { giftStoryLog, TEST_LOG_ORIGIN, TestLog } from './testing/receipt-fixture';
import { sampledPositions } from './testing/sampled-positions';

const EXPECTED_TRAIL = [
  '2026-01-05  Gift g1 of 500.00 CNY pledged by donor d1 for household HH-11ECBAA7 (product p1); money no premium can use is to be refunded',
  '2026-01-05  Payment of 500.00 CNY confirmed (reference PAY-0001)',
  '2026-01-05  300.00 CNY accepted towards the premium of household HH-11ECBAA7 (policy pol1): 300.00 CNY of 300.00 CNY funded',
  '2026-01-05  Premium of 300.00 CNY for household HH-11ECBAA7 fully funded (policy pol1); this gift paid 300.00 CNY',
  '2026-01-05  300.00 CNY allocated to the premium of policy pol1 for household HH-11ECBAA7',
  '2026-01-05  200.00 CNY refunded to donor d1 (more than the premium still needed)',
  '2026-01-05  Policy pol1 requested from insurer i1: premium 300.00 CNY, sum insured 20,000.00 CNY, 365 days',
  '2026-01-06  Policy pol1 issued by insurer i1: number ANX-2026-0001, cover 2026-01-01 to 2026-12-31',
  '2026-03-21  Claim c1 paid: 10,000.00 CNY to household HH-11ECBAA7 under policy pol1 (this gift paid 300.00 CNY of its premium)',
  '',
  'Summary: received 500.00 CNY, allocated to premiums 300.00 CNY, credited back from cancelled policies 0.00 CNY, refunded 200.00 CNY, held in escrow 0.00 CNY',
  'Policy pol1 for household HH-11ECBAA7: issued, number ANX-2026-0001; this gift paid 300.00 CNY of its premium',
  'Claims paid: 1, 10,000.00 CNY in total',
].join('\n');

function expectFailure(result: ReturnType<typeof verifyReceipt>): string {
  if (result.ok) throw new Error('expected the receipt to be refused');
  expect(result.failure).not.toBe('');
  return result.failure;
}

describe('verifyReceipt', () => {
  it('verifies a real receipt and proves its money trail', async () => {
    const { log, trail } = await giftStoryLog();
    const result = verifyReceipt(await log.receipt('g1', trail), log.keys.verifierKey);
    if (!result.ok) throw new Error(result.failure);
    expect(result.checkpoint).toMatchObject({ origin: TEST_LOG_ORIGIN, size: 14n });
    expect(result.signedBy).toEqual([TEST_LOG_ORIGIN]);
    expect(result.trail).toMatchObject({ giftId: 'g1', donorId: 'd1', pledged: { amount: 50000, currency: 'CNY' } });
    expect(result.trail.steps.map((step) => [step.kind, step.event.leafIndex])).toEqual([
      ['gift-pledged', 1n],
      ['payment-confirmed', 2n],
      ['contribution-accepted', 3n],
      ['premium-fully-funded', 4n],
      ['allocated', 5n],
      ['remainder-refunded', 6n],
      ['policy-requested', 8n],
      ['policy-issued', 9n],
      ['claim-paid', 12n],
    ]);
    expect(result.trail.summary).toEqual({
      received: { amount: 50000, currency: 'CNY' },
      allocated: { amount: 30000, currency: 'CNY' },
      creditedBack: { amount: 0, currency: 'CNY' },
      refunded: { amount: 20000, currency: 'CNY' },
      heldInEscrow: { amount: 0, currency: 'CNY' },
      policies: [{ policyId: 'pol1', householdId: 'h1', status: 'issued', policyNumber: 'ANX-2026-0001', allocatedByGift: { amount: 30000, currency: 'CNY' } }],
      claimsPaid: [{ claimId: 'c1', policyId: 'pol1', amount: { amount: 1000000, currency: 'CNY' } }],
    });
    expect(describeTrail(result.trail)).toBe(EXPECTED_TRAIL);
  });

  it('verifies a receipt whose events hold an unpaired surrogate, as the embedded store can keep one', async () => {
    const log = new TestLog();
    const metadata = { actor: 'system:test', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-05T08:00:00.000Z', schemaVersion: 1 };
    await log.append(
      { eventId: 'e1', streamId: 'gift-g1', revision: 0, type: 'GiftPledged', metadata, data: { giftId: 'g1', donorId: 'd1', amount: { amount: 100, currency: 'CNY' }, target: { kind: 'household', householdId: 'h1', productId: 'p1' }, remainder: 'refund', pledgedAt: '2026-01-05T08:00:00.000Z' } },
      { eventId: 'e2', streamId: 'gift-g1', revision: 1, type: 'GiftPaymentConfirmed', metadata, data: { giftId: 'g1', donorId: 'd1', paymentReference: 'PAY-\uD800', amount: { amount: 100, currency: 'CNY' }, confirmedAt: '2026-01-05T08:05:00.000Z' } },
    );
    const result = verifyReceipt(await log.receipt('g1', [0, 1]), log.keys.verifierKey);
    if (!result.ok) throw new Error(result.failure);
    expect(result.trail.steps.map((step) => step.kind)).toEqual(['gift-pledged', 'payment-confirmed']);
  });

  it("proves a programme gift's allocation plan, and refuses one whose allocations do not add up to its total", async () => {
    const log = new TestLog();
    const metadata = { actor: 'system:test', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-05T08:00:00.000Z', schemaVersion: 1 };
    const target = { kind: 'programme', programmeId: 'prog1', regionCode: '440305', productId: 'p1' };
    const plan = (eventId: string, total: number) => ({
      eventId, streamId: 'gift-g1', revision: 2, type: 'ProgrammeAllocationPlanned', metadata,
      data: { giftId: 'g1', planId: 'plan1', programmeId: 'prog1', productId: 'p1', allocations: [{ householdId: 'h1', amount: 60 }, { householdId: 'h2', amount: 40 }], total: { amount: total, currency: 'CNY' }, plannedAt: '2026-01-05T08:05:01.000Z' },
    });
    await log.append(
      { eventId: 'e1', streamId: 'gift-g1', revision: 0, type: 'GiftPledged', metadata, data: { giftId: 'g1', donorId: 'd1', amount: { amount: 100, currency: 'CNY' }, target, remainder: 'refund', pledgedAt: '2026-01-05T08:00:00.000Z' } },
      { eventId: 'e2', streamId: 'gift-g1', revision: 1, type: 'GiftPaymentConfirmed', metadata, data: { giftId: 'g1', donorId: 'd1', paymentReference: 'PAY-1', amount: { amount: 100, currency: 'CNY' }, confirmedAt: '2026-01-05T08:05:00.000Z' } },
      plan('e3', 100),
      plan('e4', 99),
    );
    const result = verifyReceipt(await log.receipt('g1', [0, 1, 2]), log.keys.verifierKey);
    if (!result.ok) throw new Error(result.failure);
    expect(result.trail.steps[2]).toMatchObject({ kind: 'allocation-planned', programmeId: 'prog1', total: { amount: 100, currency: 'CNY' }, allocations: [{ householdId: 'h1', amount: { amount: 60, currency: 'CNY' } }, { householdId: 'h2' }] });
    expect(describeTrail(result.trail)).toContain('2026-01-05  Sharing planned among 2 households of programme prog1: 1.00 CNY in all');
    expect(expectFailure(verifyReceipt(await log.receipt('g1', [0, 1, 3]), log.keys.verifierKey))).toBe(
      'event 3 (leaf 3), ProgrammeAllocationPlanned: data.allocations add up to 100, not data.total 99',
    );
  });

  it('verifies the same receipt given as bytes, and against an older checkpoint', async () => {
    const { log, trail } = await giftStoryLog();
    expect(verifyReceipt(Buffer.from(await log.receipt('g1', trail), 'utf8'), log.keys.verifierKey).ok).toBe(true);
    expect(verifyReceipt(await log.receipt('g1', [1, 2], 3n), log.keys.verifierKey).ok).toBe(true);
  });

  it('refuses every receipt with one byte flipped, at 800 positions drawn with a fixed seed and both ends', async () => {
    const { log, trail } = await giftStoryLog();
    const original = Buffer.from(await log.receipt('g1', trail), 'utf8');
    const accepted: string[] = [];
    let tried = 0;
    const positions = sampledPositions(original.length, 800, 0x7a3be5);
    for (const i of positions) {
      for (const mask of [0x01, 0x20]) {
        const flipped = original[i] ^ mask;
        // XOR 0x20 only where it leaves a printable ASCII character.
        if (mask === 0x20 && (flipped < 0x20 || flipped > 0x7e)) continue;
        const tampered = Buffer.from(original);
        tampered[i] = flipped;
        tried++;
        const result = verifyReceipt(tampered, log.keys.verifierKey);
        if (result.ok || result.failure === '') accepted.push(`byte ${i} ^ 0x${mask.toString(16)}`);
      }
    }
    expect(tried).toBeGreaterThan(positions.length);
    expect(accepted).toEqual([]);
  });

  it('refuses a checkpoint signed by another key, naming the signature', async () => {
    const { log, trail } = await giftStoryLog();
    const receipt = await log.receipt('g1', trail);
    const impostor = generateSignerKey(TEST_LOG_ORIGIN);
    expect(expectFailure(verifyReceipt(receipt, impostor.verifierKey))).toMatch(/^the checkpoint's signature does not check out with verifier key pangolin\.test\/log: no-known-key/);
    expect(expectFailure(verifyReceipt(receipt, 'not-a-key'))).toMatch(/^the verifier key is invalid/);
  });

  it('refuses a checkpoint whose signature does not verify', async () => {
    const { log, trail } = await giftStoryLog();
    const parsed = parseReceipt(await log.receipt('g1', trail));
    const forged = await log.checkpointNote(log.size, generateSignerKey(TEST_LOG_ORIGIN).signerKey);
    // The forger's signature line, relabelled with the real key's id.
    const realKeyId = Buffer.from(parsed.checkpoint.trimEnd().split(' ').pop()!, 'base64').subarray(0, 4);
    const forgedSignature = Buffer.from(forged.trimEnd().split(' ').pop()!, 'base64');
    realKeyId.copy(forgedSignature);
    const note = `${forged.slice(0, forged.lastIndexOf(' ') + 1)}${forgedSignature.toString('base64')}\n`;
    const receipt = (await log.receipt('g1', trail)).replace(JSON.stringify(parsed.checkpoint), JSON.stringify(note));
    expect(expectFailure(verifyReceipt(receipt, log.keys.verifierKey))).toContain('bad-signature');
  });

  it('refuses an event of another gift', async () => {
    const { log, trail } = await giftStoryLog();
    const receipt = await log.receipt('g1', [...trail.slice(0, 6), 7, ...trail.slice(6)]);
    expect(expectFailure(verifyReceipt(receipt, log.keys.verifierKey))).toBe('event 7 (leaf 7), GiftPaymentConfirmed: the event is about gift g2, not gift g1');
  });

  it('refuses reordered events', async () => {
    const { log } = await giftStoryLog();
    const receipt = await log.receipt('g1', [1, 3, 2, 4, 5]);
    expect(expectFailure(verifyReceipt(receipt, log.keys.verifierKey))).toBe(
      "event 3 (leaf 2): its leaf index is not above the previous event's (3): events must be in log order",
    );
    expect(expectFailure(verifyReceipt(await log.receipt('g1', [1, 1]), log.keys.verifierKey))).toContain('event 2 (leaf 1): its leaf index is not above');
  });

  it('refuses a receipt that leaves out an event of the gift stream', async () => {
    const { log } = await giftStoryLog();
    const receipt = await log.receipt('g1', [1, 3, 4, 5]);
    expect(expectFailure(verifyReceipt(receipt, log.keys.verifierKey))).toBe(
      "event 4 (leaf 5), GiftAllocated: it is revision 2 of the gift's stream where revision 1 belongs: the receipt must hold every event of the gift's stream, in order",
    );
  });

  it('refuses a receipt that does not start with the GiftPledged', async () => {
    const { log } = await giftStoryLog();
    expect(expectFailure(verifyReceipt(await log.receipt('g1', [2]), log.keys.verifierKey))).toBe(
      'event 1 (leaf 2), GiftPaymentConfirmed: the first event must be the GiftPledged of gift g1, got GiftPaymentConfirmed',
    );
    expect(expectFailure(verifyReceipt(await log.receipt('g1', [0]), log.keys.verifierKey))).toBe(
      'event 1 (leaf 0), GiftPledged: the event is about gift g2, not gift g1',
    );
  });

  it('refuses events that are not part of a money trail', async () => {
    const { log } = await giftStoryLog();
    expect(expectFailure(verifyReceipt(await log.receipt('g1', [1, 2, 10]), log.keys.verifierKey))).toBe(
      'event 3 (leaf 10), ClaimFiled: events of type "ClaimFiled" are not part of a gift\'s money trail',
    );
  });

  it('accepts a policy event by an earlier allocation, and refuses it without one', async () => {
    const { log, trail } = await giftStoryLog();
    await log.append({
      eventId: 'expired-1',
      streamId: 'policy-pol1',
      revision: 5,
      type: 'PolicyExpired',
      data: { policyId: 'pol1', householdId: 'h1', productId: 'p1', endDate: '2026-12-31', expiredAt: '2027-01-01T00:00:00.000Z' },
      metadata: { actor: 'system:test' },
    });
    const result = verifyReceipt(await log.receipt('g1', [...trail, 14]), log.keys.verifierKey);
    if (!result.ok) throw new Error(result.failure);
    expect(result.trail.summary.policies[0].status).toBe('expired');
    expect(describeTrail(result.trail)).toContain('2027-01-01  Policy pol1 for household HH-11ECBAA7 expired (cover ended 2026-12-31)');

    expect(expectFailure(verifyReceipt(await log.receipt('g1', [1, 2, 14]), log.keys.verifierKey))).toBe(
      'event 3 (leaf 14), PolicyExpired: gift g1 did not pay for policy pol1: no earlier allocation, and the event does not name the gift',
    );
  });

  it('refuses proofs against another tree size and leaf indices beyond the checkpoint', async () => {
    const { log, trail } = await giftStoryLog();
    const withCheckpoint = (receiptText: string, note: string) =>
      receiptText.replace(JSON.stringify(parseReceipt(receiptText).checkpoint), JSON.stringify(note));

    const provenAt13 = await log.receipt('g1', trail, 13n);
    expect(expectFailure(verifyReceipt(withCheckpoint(provenAt13, await log.checkpointNote(14n)), log.keys.verifierKey))).toMatch(
      /^event 1 \(leaf 1\): its inclusion proof does not verify against the checkpoint of size 14: /,
    );
    const provenAt10 = parseReceipt(await log.receipt('g1', [1, 2, 3, 4, 5, 6, 8, 9], 10n));
    const claimPaid = parseReceipt(await log.receipt('g1', trail)).events[8];
    const beyond = formatReceipt({ ...provenAt10, events: [...provenAt10.events, claimPaid] });
    expect(expectFailure(verifyReceipt(beyond, log.keys.verifierKey))).toBe(
      'event 9 (leaf 12): its inclusion proof does not verify against the checkpoint of size 10: index 12 is not below size 10',
    );
  });

  it('formats money in yuan with two decimals and thousands separators', () => {
    expect(formatMoney({ amount: 5000, currency: 'CNY' })).toBe('50.00 CNY');
    expect(formatMoney({ amount: 1000000, currency: 'CNY' })).toBe('10,000.00 CNY');
    expect(formatMoney({ amount: 7, currency: 'CNY' })).toBe('0.07 CNY');
    expect(formatMoney({ amount: 123456789012, currency: 'CNY' })).toBe('1,234,567,890.12 CNY');
    expect(formatMoney({ amount: -150, currency: 'CNY' })).toBe('-1.50 CNY');
  });
});

describe('verifyReceipt: complete receipts (the checkpoint commits to the trail map)', () => {
  it('proves the receipt complete when it shows the gift\'s whole trail', async () => {
    const { log, trail } = await giftStoryLog();
    const result = verifyReceipt(await log.completeReceipt('g1'), log.keys.verifierKey, { requireCompleteTrail: true });
    if (!result.ok) throw new Error(result.failure);
    expect(result.completeness).toBe('proven');
    expect(result.trail.steps.map((step) => Number(step.event.leafIndex))).toEqual(trail);
    expect(result.checkpoint.extensionLines).toEqual([log.trails().map.extensionLine()]);
  });

  it('refuses the receipt with any one event of the trail left out', async () => {
    const { log, trail } = await giftStoryLog();
    for (const left of trail.slice(1)) {
      const shown = trail.filter((index) => index !== left);
      const failure = expectFailure(verifyReceipt(await log.completeReceipt('g1', { leafIndices: shown }), log.keys.verifierKey));
      expect(failure).toBe(`the receipt is incomplete: the checkpoint commits to a trail of ${trail.length} events for gift g1, but the receipt shows ${trail.length - 1} (1 left out)`);
    }
  });

  it('refuses a map entry shortened to match a receipt that leaves the last event out', async () => {
    const { log, trail } = await giftStoryLog();
    const receipt = parseReceipt(await log.completeReceipt('g1'));
    const forged = formatReceipt({ ...receipt, events: receipt.events.slice(0, -1), trailMap: { ...receipt.trailMap!, trailLength: receipt.trailMap!.trailLength - 1n } });
    expect(expectFailure(verifyReceipt(forged, log.keys.verifierKey))).toMatch(/^the trail map entry of gift g1 \(trail of 8 events\) is not in the trail map the checkpoint commits to/);
    expect(trail).toHaveLength(9);
  });

  it('refuses events whose chained hash is not the trail the map holds', async () => {
    const { log, trail } = await giftStoryLog();
    const receipt = parseReceipt(await log.completeReceipt('g1'));
    // Same number of events, one replaced by another gift's event of the log: the trail's own checks or the chained hash refuse it.
    const other = parseReceipt(await log.receipt('g1', [...trail.slice(0, -1), 13], log.size, [log.trails().map.extensionLine()]));
    const swapped = formatReceipt({ ...receipt, events: other.events });
    expect(expectFailure(verifyReceipt(swapped, log.keys.verifierKey))).toMatch(/^event 9 \(leaf 13\)/);
    // Two events reordered by hand cannot be in log order; a trail hash changed by hand is not in the map.
    const wrongHash = formatReceipt({ ...receipt, trailMap: { ...receipt.trailMap!, trailHash: new Uint8Array(32) } });
    expect(expectFailure(verifyReceipt(wrongHash, log.keys.verifierKey))).toMatch(/is not in the trail map the checkpoint commits to/);
  });

  it('refuses a receipt without its map entry when the checkpoint commits to a trail map', async () => {
    const { log } = await giftStoryLog();
    const receipt = parseReceipt(await log.completeReceipt('g1'));
    const { trailMap: _dropped, ...withoutEntry } = receipt;
    expect(expectFailure(verifyReceipt(formatReceipt(withoutEntry), log.keys.verifierKey))).toBe(
      "the checkpoint commits to a trail map of every gift's trail, but the receipt has no trailMap entry: it cannot be shown to hold the whole trail",
    );
  });

  it('reports completeness unproven for a checkpoint without a trail map, and refuses it under requireCompleteTrail', async () => {
    const { log, trail } = await giftStoryLog();
    const text = await log.receipt('g1', trail);
    const result = verifyReceipt(text, log.keys.verifierKey);
    if (!result.ok) throw new Error(result.failure);
    expect(result.completeness).toBe('unproven');
    expect(expectFailure(verifyReceipt(text, log.keys.verifierKey, { requireCompleteTrail: true }))).toMatch(/^the checkpoint carries no trail map/);
  });

  it('refuses a checkpoint with a malformed trail map line', async () => {
    const { log, trail } = await giftStoryLog();
    const text = await log.receipt('g1', trail, log.size, ['pangolin-trail-map nonsense']);
    expect(expectFailure(verifyReceipt(text, log.keys.verifierKey))).toMatch(/^the checkpoint is signed but the checkpoint's line "pangolin-trail-map nonsense" is not/);
  });
});
