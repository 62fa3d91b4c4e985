import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLeaf, formatReceipt, parseReceipt } from '@pangolin/transparency';
import { householdBody, productTerms, signUp } from './support/actors';
import { ROOT, runToExit } from './support/child-process';
import { ApiClient, cny, daysAfter, RunningPlatform, startPlatform, TestClock } from './support/platform';
import { ensureBuilt } from './support/build';

/**
 * Complete receipts (issue #14, item 5): the checkpoint commits to the trail map, so a receipt with
 * any one event of the gift's trail left out is refused by `pangolin-verify`. The gift here has the
 * whole story: allocation, policy requested and issued, a claim paid, then the policy cancelled, its
 * unearned premium credited back to the gift and refunded to the donor.
 */
describe('complete receipts', () => {
  let platform: RunningPlatform;
  let donorB: ApiClient;
  let giftId: string;
  let verifierKey: string;
  const clock = new TestClock('2026-01-01T08:00:00Z');

  beforeAll(async () => {
    ensureBuilt();
    platform = await startPlatform({ CHECKPOINT_INTERVAL_MS: '0' }, undefined, { clock });
    const { api } = platform;
    const government = await signUp(api, { username: 'gov', role: 'government', regionCode: '440305' });
    const insurer = await signUp(api, { username: 'insurer', role: 'insurer', insurerId: 'anxin-mutual' });
    const donorA = await signUp(api, { username: 'donor.a', role: 'donor' });
    donorB = await signUp(api, { username: 'donor.b', role: 'donor' });
    const { householdId } = await government.ok('/households', householdBody('440305001001', 1));
    await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'disabled' });
    const { productId } = await insurer.ok('/products', productTerms({ annualPremium: cny(36_500), sumInsured: cny(3_650_000) }));
    await donorA.ok('/gifts', { amount: cny(20_000), target: { kind: 'household', householdId, productId }, remainder: 'hold' }).then((gift) =>
      donorA.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: 'PAY-A', amount: cny(20_000) }),
    );
    ({ giftId } = await donorB.ok('/gifts', { amount: cny(16_500), target: { kind: 'household', householdId, productId }, remainder: 'refund' }));
    await donorB.ok(`/gifts/${giftId}/payment`, { paymentReference: 'PAY-B', amount: cny(16_500) });
    const [{ policyId }] = await insurer.list('/insurer/policies');
    await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: 'ANX-R-1', startDate: clock.today() });
    const incidentDate = daysAfter(clock.today(), 45);
    clock.advanceDays(60);
    const { claimId } = await government.ok(`/policies/${policyId}/claims`, { incidentDate, kind: 'illness', amountClaimed: cny(100_000), evidence: [] });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/approve`, { approvedAmount: cny(100_000) });
    await insurer.ok(`/policies/${policyId}/claims/${claimId}/payment`, { payoutReference: 'BANK-R-1' });
    await insurer.ok(`/policies/${policyId}/cancel`, { reason: 'household moved away', effectiveDate: daysAfter(clock.today(), 10) });
    verifierKey = (await api.get('/transparency/verifier-key')).body.trim();
  }, 180_000);
  afterAll(() => platform?.stop());

  it('refuses, in pangolin-verify, every receipt with one event of the trail left out', async () => {
    const response = await donorB.get(`/gifts/${giftId}/receipt`);
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    const receipt = parseReceipt(text);
    expect(receipt.trailMap?.trailLength).toBe(BigInt(receipt.events.length));
    const types = receipt.events.map((event) => decodeLeaf(event.leaf).type);
    expect(types).toEqual(
      expect.arrayContaining(['GiftPledged', 'GiftAllocated', 'PolicyIssued', 'ClaimPaid', 'PolicyCancelled', 'GiftPremiumRefundCredited', 'GiftRemainderRefunded']),
    );

    const folder = mkdtempSync(join(tmpdir(), 'pangolin-complete-receipt-'));
    try {
      const verify = async (name: string, content: string, ...extra: string[]) => {
        writeFileSync(join(folder, name), content);
        return runToExit(process.execPath, [join(ROOT, 'bin/pangolin-verify.js'), name, '--key', verifierKey, ...extra], { cwd: folder, env: { PATH: process.env.PATH ?? '' } });
      };
      const complete = await verify('receipt.json', text, '--require-complete');
      expect(complete.code).toBe(0);
      expect(complete.stdout).toContain(`Complete: the checkpoint commits to a trail of ${receipt.events.length} events for this gift, and the receipt shows every one of them.`);

      const refusals: Record<string, string> = {};
      for (const [i, type] of types.entries()) {
        const omitted = formatReceipt({ ...receipt, events: receipt.events.filter((_, j) => j !== i) });
        const outcome = await verify(`without-${i}.json`, omitted);
        expect({ event: i, type, code: outcome.code, stderr: outcome.stderr }).toEqual({ event: i, type, code: 1, stderr: '' });
        refusals[`${i + 1} ${type}`] = outcome.stdout.split('\n')[0];
      }
      const incomplete = `Receipt NOT verified: the receipt is incomplete: the checkpoint commits to a trail of ${types.length} events for gift ${giftId}, but the receipt shows ${types.length - 1} (1 left out)`;
      expect(refusals).toEqual(Object.fromEntries(types.map((type, i) => [`${i + 1} ${type}`, incomplete])));

      // Dropping the map entry too does not help: the checkpoint commits to a map, so the entry is required.
      const { trailMap: _entry, ...bare } = receipt;
      const withoutEntry = await verify('without-entry.json', formatReceipt({ ...bare, events: receipt.events.slice(0, -1) }));
      expect(withoutEntry.code).toBe(1);
      expect(withoutEntry.stdout).toMatch(/^Receipt NOT verified: the checkpoint commits to a trail map of every gift's trail, but the receipt has no trailMap entry/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
