/**
 * A disaster declaration's payouts survive a kill -9 in the middle of the batches: the platform
 * (a child process on the embedded stores) is killed as soon as the first household's claim is
 * paid, while the payout process goes on with the batches; started again, the payout process
 * handles the confirmation again and finishes. Every covered household is paid exactly once.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyIdFor } from '@pangolin/domain';
import { householdBody, PASSWORD, productTerms, signUp } from './support/actors';
import { Child, kill, killAllChildren, startChild, stop } from './support/child-process';
import { eventually, until } from './support/eventually';
import { ADMIN, cny } from './support/platform';
import { ensureBuilt } from './support/build';

const HOUSEHOLDS = 24;
const TOWN = '440305001';

describe('disaster payouts killed with SIGKILL in the middle of the batches', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-disaster-kill-'));
  // Batches of 3, so that the kill lands among them.
  const start = () => startChild('dist/apps/api/src/main.js', {
    DATA_DIR: dataDir, SEED_DEMO: 'false', ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, DISASTER_PAYOUT_BATCH_SIZE: '3',
  }, /Pangolin is serving/);

  beforeAll(() => {
    ensureBuilt();
  }, 180_000);
  afterAll(() => {
    killAllChildren();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pays every covered household exactly once', async () => {
    let server: Child = await start();
    const government = await signUp(server.api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    const insurer = await signUp(server.api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    const donor = await signUp(server.api, { username: 'donor.a', role: 'donor' });
    const today = new Date().toISOString().slice(0, 10);
    const { productId } = await insurer.ok('/products', productTerms({ name: 'Flood index cover', coverageKind: 'property', waitingPeriodDays: 0, parametric: { perils: ['flood'], rule: 'fixed', amount: cny(50_000) } }));
    const policies: string[] = [];
    for (let n = 1; n <= HOUSEHOLDS; n++) {
      const { householdId } = await government.ok('/households', householdBody(`${TOWN}00${1 + (n % 2)}`, n));
      await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
      const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
      await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `KILL-${n}`, amount: cny(3000) });
      const policyId = policyIdFor(householdId, productId, 1);
      await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `ANX-KILL-${n}`, startDate: today });
      policies.push(policyId);
    }
    const { declarationId } = await government.ok('/disasters/declarations', { peril: 'flood', regionCodes: [TOWN], incidentFrom: today, incidentTo: today, severity: 2, authorityReference: 'KILL-FLOOD-1' });

    const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    const claimsPaid = events.prepare<[], number>("SELECT COUNT(*) FROM events WHERE type = 'ClaimPaid'").pluck();
    try {
      // Not waited for: the platform dies before it would answer (it answers once the payouts are made).
      const confirmation = insurer.post(`/disasters/declarations/${declarationId}/confirm`, { paymentFileReference: 'KILL-PAYFILE' }).catch((error: unknown) => error);
      // Killed as soon as the first claim is paid (watched through a reader of the log), while the batches go on.
      await eventually('a first claim paid', async () => claimsPaid.get()! > 0 || undefined, { deadlineMs: 60_000, intervalMs: 0 });
      await kill(server);
      await confirmation;
      const paidAtKill = claimsPaid.get()!;
      expect(paidAtKill).toBeLessThan(HOUSEHOLDS);

      server = await start();
      const observer = await server.api.login('gov.nanshan', PASSWORD);
      const declaration = await until('the declaration paid', () => observer.read(`/disasters/declarations/${declarationId}`), ({ status }) => status === 'paid', { deadlineMs: 60_000 });
      expect(declaration).toMatchObject({ policiesPaid: HOUSEHOLDS, amountPaid: cny(50_000 * HOUSEHOLDS) });
      // In the log: exactly one payout per policy.
      const paidPolicies = events.prepare<[], string>("SELECT json_extract(data, '$.policyId') FROM events WHERE type = 'ClaimPaid'").pluck().all();
      expect(paidPolicies.sort()).toEqual([...policies].sort());
      const payouts = await observer.list(`/disasters/declarations/${declarationId}/payouts`);
      expect(payouts.map(({ policyId }) => policyId).sort()).toEqual([...policies].sort());
      expect(new Set(payouts.map(({ batchNumber }) => batchNumber)).size).toBe(Math.ceil(HOUSEHOLDS / 3));
    } finally {
      events.close();
    }
    await stop(server);
  }, 240_000);
});
