import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { giftTraceEvents } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import { encodeLeaf, leafHash, openNote, parseCheckpoint, parseVerifierKey, verifyConsistency, verifyInclusion, verifyReceipt } from '@pangolin/transparency';
import { EVENT_STORE } from '@pangolin/runtime';
import { householdBody, productTerms, signUp } from './support/actors';
import { ROOT, runToExit } from './support/child-process';
import { eventually } from './support/eventually';
import { ApiClient, cny, daysAfter, RunningPlatform, startPlatform, STORE_CONFIGURATIONS, TestClock } from './support/platform';
import { ensureBuilt } from './support/build';
import { sampledPositions } from '../libs/transparency/src/receipt/testing/sampled-positions';

const fromBase64 = (text: string) => Uint8Array.from(Buffer.from(text, 'base64'));

/**
 * The transparency log over HTTP: checkpoints signed on demand and published without login, the
 * public key, inclusion proofs for every event, consistency between checkpoints, and a gift's
 * receipt, each checked here with the verification functions alone (no trust in the server's hashes).
 */
describe.each(STORE_CONFIGURATIONS)('the transparency log on %s', (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let store: EventStore;
  let government: ApiClient, insurer: ApiClient, donor: ApiClient, otherDonor: ApiClient, auditor: ApiClient, admin: ApiClient;
  let productId: string, householdId: string, giftId: string, policyId: string;
  let verifierKey: string;
  const clock = new TestClock('2026-01-01T08:00:00Z');

  /** A household's whole premium from one donor, its policy issued and one claim paid. */
  async function giftWithPaidClaim(n: number, by: ApiClient): Promise<{ giftId: string; policyId: string }> {
    const household = await government.ok('/households', householdBody('440305001001', n));
    await government.ok(`/households/${household.householdId}/eligibility/verify`, { category: 'low-income' });
    const gift = await by.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: household.householdId, productId }, remainder: 'refund' });
    await by.ok(`/gifts/${gift.giftId}/payment`, { paymentReference: `PAY-T-${n}`, amount: cny(3000) });
    const [allocation] = (await by.read(`/gifts/${gift.giftId}`)).allocations.items;
    await insurer.ok(`/policies/${allocation.policyId}/issue`, { policyNumber: `T-${n}`, startDate: clock.today() });
    // The incident happens after the 30-day waiting period, and the claim is filed later still.
    const incidentDate = daysAfter(clock.today(), 45);
    clock.advanceDays(60);
    const { claimId } = await government.ok(`/policies/${allocation.policyId}/claims`, { incidentDate, kind: 'illness', amountClaimed: cny(100_000), evidence: [] });
    await insurer.ok(`/policies/${allocation.policyId}/claims/${claimId}/approve`, { approvedAmount: cny(100_000) });
    await insurer.ok(`/policies/${allocation.policyId}/claims/${claimId}/payment`, { payoutReference: `BANK-T-${n}` });
    householdId = household.householdId;
    return { giftId: gift.giftId, policyId: allocation.policyId };
  }

  beforeAll(async () => {
    ensureBuilt();
    platform = await startPlatform({ ...storeEnvironment(), CHECKPOINT_INTERVAL_MS: '0' }, undefined, { clock });
    store = platform.app.get<EventStore>(EVENT_STORE);
    const { api } = platform;
    government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
    insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
    donor = await signUp(api, { username: 'donor.a', role: 'donor' });
    otherDonor = await signUp(api, { username: 'donor.b', role: 'donor' });
    auditor = await signUp(api, { username: 'auditor', role: 'auditor' });
    admin = await api.login('admin', 'admin-password-for-tests');
    ({ productId } = await insurer.ok('/products', productTerms()));
    ({ giftId, policyId } = await giftWithPaidClaim(1, donor));
  }, 180_000);
  afterAll(() => platform?.stop());

  it('publishes its public verifier key without login', async () => {
    const response = await platform.api.get('/transparency/verifier-key');
    expect(response.status).toBe(200);
    verifierKey = response.body.trim();
    expect(verifierKey).toBe(platform.config.transparency.verifierKey);
    expect(parseVerifierKey(verifierKey).name).toBe(platform.config.transparency.origin);
  });

  it('has no checkpoint until one is signed; only auditors and admins may ask for one', async () => {
    expect(await platform.api.get('/transparency/checkpoint')).toMatchObject({ status: 404, body: { message: 'no checkpoint has been signed yet' } });
    expect((await platform.api.post('/transparency/checkpoints')).status).toBe(401);
    expect((await donor.post('/transparency/checkpoints')).status).toBe(403);
    const signed = await auditor.post('/transparency/checkpoints');
    expect(signed.status).toBe(201);
    expect(signed.body.size).toBe((await store.headPosition()).toString());
  });

  it('serves the latest checkpoint, and each by its size, as C2SP signed notes that verify with the key', async () => {
    const latest = (await platform.api.get('/transparency/checkpoint')).body as string;
    const checkpoint = parseCheckpoint(openNote(latest, [verifierKey]).text);
    expect(checkpoint.origin).toBe(platform.config.transparency.origin);
    expect(checkpoint.size).toBe(await store.headPosition());
    expect((await platform.api.get(`/transparency/checkpoints/${checkpoint.size}`)).body).toBe(latest);
    expect(await platform.api.get(`/transparency/checkpoints/${checkpoint.size - 1n}`)).toMatchObject({ status: 404, body: { message: `no checkpoint was signed at size ${checkpoint.size - 1n}` } });
    expect(await platform.api.get('/transparency/checkpoints/01')).toMatchObject({ status: 400, body: { violations: [{ field: 'size' }] } });
    expect((await platform.api.read('/transparency/checkpoints')).items).toEqual([
      { size: checkpoint.size.toString(), rootHash: Buffer.from(checkpoint.rootHash).toString('base64'), signedAt: expect.any(String), url: `/transparency/checkpoints/${checkpoint.size}` },
    ]);
  });

  it('proves every stored event is in the signed log, recomputing each leaf from the event itself', async () => {
    const checkpoint = parseCheckpoint(openNote((await platform.api.get('/transparency/checkpoint')).body, [verifierKey]).text);
    const events = await store.readAll();
    expect(BigInt(events.length)).toBe(checkpoint.size);
    for (const [i, event] of events.entries()) {
      const proof = await platform.api.read(`/transparency/events/${event.eventId}/inclusion-proof`);
      expect(proof).toMatchObject({ eventId: event.eventId, leafIndex: String(i), treeSize: checkpoint.size.toString() });
      const recomputed = leafHash(encodeLeaf(event));
      expect(Buffer.from(fromBase64(proof.leafHash))).toEqual(Buffer.from(recomputed));
      expect(verifyInclusion(recomputed, BigInt(i), checkpoint.size, proof.inclusionProof.map(fromBase64), checkpoint.rootHash)).toEqual({ ok: true });
    }
    expect(await platform.api.get('/transparency/events/00000000-0000-4000-8000-000000000000/inclusion-proof')).toMatchObject({ status: 404 });
    expect(await platform.api.get('/transparency/events/not-an-id/inclusion-proof')).toMatchObject({ status: 400, body: { violations: [{ field: 'eventId' }] } });
    expect(await platform.api.get(`/transparency/events/${events[0].eventId}/inclusion-proof?treeSize=1x`)).toMatchObject({ status: 400, body: { violations: [{ field: 'treeSize' }] } });
  });

  it('proves the log only grew between two checkpoints', async () => {
    const first = parseCheckpoint(openNote((await platform.api.get('/transparency/checkpoint')).body, [verifierKey]).text);
    await giftWithPaidClaim(2, otherDonor);
    // An event newer than the latest checkpoint gets a new checkpoint signed for its proof.
    const [newest] = await store.readAll({ after: (await store.headPosition()) - 1n });
    const proofOfNewest = await platform.api.read(`/transparency/events/${newest.eventId}/inclusion-proof`);
    const second = parseCheckpoint(openNote(proofOfNewest.checkpoint, [verifierKey]).text);
    expect(second.size).toBe(await store.headPosition());
    const consistency = await platform.api.read(`/transparency/consistency-proof?from=${first.size}&to=${second.size}`);
    expect(consistency).toMatchObject({ size1: first.size.toString(), size2: second.size.toString() });
    expect(verifyConsistency(first.size, second.size, consistency.proof.map(fromBase64), first.rootHash, second.rootHash)).toEqual({ ok: true });
    expect(await platform.api.get(`/transparency/consistency-proof?from=${second.size}&to=${first.size}`)).toMatchObject({ status: 400, body: { violations: [{ field: 'from', rule: 'must not be larger than to' }] } });
    expect(await platform.api.get(`/transparency/consistency-proof?from=1&to=${second.size + 1n}`)).toMatchObject({ status: 400, body: { violations: [{ field: 'to' }] } });
    expect(await platform.api.get('/transparency/consistency-proof?to=3')).toMatchObject({ status: 400, body: { violations: [{ field: 'from', rule: 'is required' }] } });
  }, 30_000);

  it("gives the donor a receipt of the gift's whole trace, proven against one signed checkpoint", async () => {
    const [gift] = await donor.list('/donor/gifts');
    expect(gift.receiptUrl).toBe(`/gifts/${giftId}/receipt`);
    const response = await donor.get(gift.receiptUrl);
    expect(response.status).toBe(200);
    const receipt = response.body;
    expect(receipt).toMatchObject({ format: 'pangolin-receipt/1', giftId });
    const checkpoint = parseCheckpoint(openNote(receipt.checkpoint, [verifierKey]).text);
    const trace = await giftTraceEvents(store, giftId);
    expect(receipt.events).toHaveLength(trace.length);
    expect([...new Set(trace.map((event) => event.type))].sort()).toEqual(
      ['ClaimPaid', 'GiftAllocated', 'GiftPaymentConfirmed', 'GiftPledged', 'PolicyIssued', 'PolicyRequested', 'PremiumContributionAccepted', 'PremiumFullyFunded'].sort(),
    );
    expect(receipt.events.map((entry: { leafIndex: string }) => entry.leafIndex)).toEqual(trace.map((event) => (event.position - 1n).toString()));
    for (const [i, entry] of receipt.events.entries()) {
      expect(Buffer.from(fromBase64(entry.leaf))).toEqual(Buffer.from(encodeLeaf(trace[i])));
      const verified = verifyInclusion(leafHash(fromBase64(entry.leaf)), BigInt(entry.leafIndex), checkpoint.size, entry.inclusionProof.map(fromBase64), checkpoint.rootHash);
      expect(verified).toEqual({ ok: true });
    }
    expect(trace.find((event) => event.type === 'ClaimPaid')?.streamId).toBe(`policy-${policyId}`);
    expect(JSON.stringify(receipt)).not.toContain(householdBody('440305001001', 1).personal.headName);
  });

  it('gives a receipt that verifies offline, in a process with no database, and fails on any altered byte', async () => {
    const receipt = (await donor.get(`/gifts/${giftId}/receipt`)).body;
    const text = JSON.stringify(receipt);
    const verified = verifyReceipt(text, verifierKey);
    expect(verified).toMatchObject({ ok: true });
    // 500 positions drawn with a fixed seed (the same on every run), and both ends, of a real receipt
    // from the platform (the verifier's unit test samples its own receipt the same way, with two flips per byte).
    for (const i of sampledPositions(text.length, 500, 0x5eed)) {
      const flipped = Buffer.from(text);
      flipped[i] ^= 0x01;
      const outcome = verifyReceipt(flipped, verifierKey);
      if (outcome.ok) throw new Error(`a receipt with byte ${i} flipped still verified`);
      expect(outcome.failure).toMatch(/\w/);
    }

    // The verifier as a donor runs it: its own process, a folder of its own, no platform settings.
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-receipt-'));
    try {
      writeFileSync(join(folder, 'receipt.json'), text);
      // One base64 character of the first event's bytes changed to another: well formed, but not the event the log holds.
      const at = text.indexOf('"leaf":"') + 20;
      writeFileSync(join(folder, 'tampered.json'), text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
      const env = { PATH: process.env.PATH ?? '' };
      const verify = (file: string) => runToExit(process.execPath, [join(ROOT, 'bin/pangolin-verify.js'), file, '--key', verifierKey], { cwd: folder, env });
      const ok = await verify('receipt.json');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('Receipt verified');
      expect(ok.stdout).toMatch(/Claim .* paid: 1,000\.00 CNY/);
      const bad = await verify('tampered.json');
      expect(bad.code).toBe(1);
      expect(bad.stdout + bad.stderr).toMatch(/Receipt NOT verified: .*event 1 \(leaf \d+\)/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('shows a receipt to its donor, auditors and admins only', async () => {
    expect((await otherDonor.get(`/gifts/${giftId}/receipt`)).status).toBe(404);
    expect((await platform.api.get(`/gifts/${giftId}/receipt`)).status).toBe(401);
    expect((await auditor.get(`/gifts/${giftId}/receipt`)).status).toBe(200);
    expect((await admin.get(`/gifts/${giftId}/receipt`)).status).toBe(200);
    expect((await admin.get('/gifts/00000000-0000-4000-8000-000000000000/receipt')).status).toBe(404);
    expect(householdId).toBeDefined();
  });
});

describe('checkpoints on a schedule, and the embedded signing key', () => {
  it('signs the growing log every CHECKPOINT_INTERVAL_MS with the key generated on first start, kept across restarts', async () => {
    const first = await startPlatform({ CHECKPOINT_INTERVAL_MS: '100', SEED_DEMO: 'true' });
    const key = first.config.transparency;
    expect(key.keySource).toMatchObject({ kind: 'file', generated: true });
    const note = await eventually('a first scheduled checkpoint', async () => {
      const response = await first.api.get<string>('/transparency/checkpoint');
      return response.status === 200 ? response.body : undefined;
    }, { deadlineMs: 10_000 });
    expect(parseCheckpoint(openNote(note, [key.verifierKey]).text).size).toBeGreaterThan(0n);
    await first.stop({ keepData: true });
    const again = await startPlatform({ CHECKPOINT_INTERVAL_MS: '100', SEED_DEMO: 'false' }, first.dataDir);
    try {
      expect(again.config.transparency).toMatchObject({ verifierKey: key.verifierKey, keySource: { kind: 'file', generated: false } });
      const latest = parseCheckpoint(openNote((await again.api.get('/transparency/checkpoint')).body, [key.verifierKey]).text);
      expect(latest.size).toBeGreaterThanOrEqual(parseCheckpoint(openNote(note, [key.verifierKey]).text).size);
    } finally {
      await again.stop();
    }
  }, 60_000);
});
