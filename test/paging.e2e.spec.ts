/**
 * Every list of the API pages one way (`limit`, an opaque `cursor`, answered `{ items, nextCursor }`),
 * on both store configurations: walked page by page with a small limit, each list gives exactly
 * what one large page gives, in the same order, without a duplicate or an omission; its filters and
 * its search narrow it; `limit=501` and a cursor the list did not make are refused with 400 naming
 * the field. Then HTTP hygiene: answers are compressed for a client that accepts it, source maps are
 * never served, hashed assets are cached for good and index.html is revalidated.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { householdBody, productTerms, signUp } from './support/actors';
import { ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS } from './support/platform';

jest.setTimeout(120_000);

const COUNTY = '440305';
const VILLAGES = ['440305001001', '440305001002', '440305002001'];
const CATEGORIES = ['low-income', 'disabled', 'elderly-alone'];
const HOUSEHOLDS = 30;
const UNVERIFIED = 6;
const PREMIUM = 3_000;
const today = () => new Date().toISOString().slice(0, 10);

interface World {
  government: ApiClient;
  insurer: ApiClient;
  donor: ApiClient;
  auditor: ApiClient;
  admin: ApiClient;
  productA: string;
  productB: string;
  households: { householdId: string; householdCode: string; villageCode: string; category: string; eligible: boolean }[];
  programmeGift: string;
  refundedGift: string;
  policyNumbers: string[];
  /** A disclosure report of the programme, published twice (a correction): its versions are a list. */
  reportId: string;
}

/** `path` with one more query parameter. */
const withParameter = (path: string, name: string, value: string | number) => `${path}${path.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(String(value))}`;

/**
 * Walks a list with `limit` per page and checks it against one page holding all of it: the same
 * items in the same order (the order is stable and total), no page over the limit, none empty but
 * a list's only page. Returns the items.
 */
async function walk(client: ApiClient, path: string, limit: number, key: (item: any) => string): Promise<any[]> {
  const whole = await client.read(withParameter(path, 'limit', 500));
  expect(whole.nextCursor).toBeNull();
  const walked: any[] = [];
  let pages = 0;
  for (let cursor: string | null = null; ; ) {
    const page: { items: any[]; nextCursor: string | null } = await client.read(withParameter(cursor === null ? path : withParameter(path, 'cursor', cursor), 'limit', limit));
    pages += 1;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
    walked.push(...page.items);
    if (page.nextCursor === null) break;
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    cursor = page.nextCursor;
  }
  const keys = walked.map(key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toEqual(whole.items.map(key));
  expect(pages).toBe(Math.max(1, Math.ceil(whole.items.length / limit)));
  return walked;
}

async function buildWorld(platform: RunningPlatform): Promise<World> {
  const { api } = platform;
  const admin = await api.login('admin', 'admin-password-for-tests');
  const government = await signUp(api, { username: 'paging.gov', role: 'government', regionCode: COUNTY });
  const insurer = await signUp(api, { username: 'paging.insurer', role: 'insurer', insurerId: 'anxin-mutual' });
  const donor = await signUp(api, { username: 'paging.donor', role: 'donor' });
  const auditor = await signUp(api, { username: 'paging.auditor', role: 'auditor' });

  // No waiting period, so a claim can be filed on the day cover starts.
  const productA = (await insurer.ok('/products', productTerms({ waitingPeriodDays: 0 }))).productId;
  const productB = (await insurer.ok('/products', productTerms({ name: 'Second cover', waitingPeriodDays: 0 }))).productId;
  const programmeId = (await government.ok('/programmes', { name: 'Paging programme', regionCode: COUNTY, productId: productA })).programmeId;
  await government.ok('/programmes', { name: 'Second programme', regionCode: VILLAGES[2], productId: productB });

  const households: World['households'] = [];
  for (let n = 0; n < HOUSEHOLDS; n++) {
    const villageCode = VILLAGES[n % VILLAGES.length];
    const category = CATEGORIES[n % CATEGORIES.length];
    const { householdId, householdCode } = await government.ok('/households', householdBody(villageCode, n + 1, category));
    const eligible = n >= UNVERIFIED;
    if (eligible) await government.ok(`/households/${householdId}/eligibility/verify`, { category });
    households.push({ householdId, householdCode, villageCode, category, eligible });
  }
  const eligible = households.filter((household) => household.eligible);

  // Six households funded one by one (one overpaid, its remainder refunded), five pledges left unpaid.
  const give = async (target: object, amount: number, reference?: string) => {
    const { giftId } = await donor.ok('/gifts', { amount: cny(amount), target, remainder: 'refund' });
    if (reference) await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: reference, amount: cny(amount) });
    return giftId;
  };
  let refundedGift = '';
  for (const [i, household] of eligible.slice(0, 6).entries()) {
    const giftId = await give({ kind: 'household', householdId: household.householdId, productId: productA }, i === 0 ? PREMIUM + 500 : PREMIUM, `PAGING-${i}`);
    if (i === 0) refundedGift = giftId;
  }
  for (const household of eligible.slice(6, 11)) await give({ kind: 'household', householdId: household.householdId, productId: productB }, PREMIUM);
  // A programme gift shared among 13 households: more allocations than a gift's answer holds.
  const programmeGift = await give({ kind: 'programme', programmeId }, 13 * PREMIUM, 'PAGING-PROGRAMME');

  // The insurer issues five policies, and claims are filed on three of them: one approved, one rejected.
  const requested = await insurer.list('/insurer/policies?status=requested');
  expect(requested).toHaveLength(19);
  const policyNumbers: string[] = [];
  for (const [i, policy] of requested.slice(0, 5).entries()) {
    policyNumbers.push(`PAGING-POL-${i}`);
    await insurer.ok(`/policies/${policy.policyId}/issue`, { policyNumber: `PAGING-POL-${i}`, startDate: today() });
  }
  const claims = [];
  for (const policy of requested.slice(0, 3)) {
    claims.push((await government.ok(`/policies/${policy.policyId}/claims`, { incidentDate: today(), kind: 'illness', amountClaimed: cny(10_000), evidence: [] })).claimId);
  }
  await insurer.ok(`/policies/${requested[0].policyId}/claims/${claims[0]}/approve`, {});
  await insurer.ok(`/policies/${requested[1].policyId}/claims/${claims[1]}/reject`, { reason: 'not covered' });
  // Disclosure reports: the platform's and the programme's, the latter corrected once (each publication signs a checkpoint).
  await admin.ok('/disclosures', { from: today(), to: today() });
  const { reportId } = await admin.ok('/disclosures', { programmeId, from: today(), to: today() });
  await admin.ok('/disclosures', { programmeId, from: today(), to: today(), correctionNote: 'Second version.' });
  for (let i = 0; i < 3; i++) {
    await government.ok('/households', householdBody(VILLAGES[0], 100 + i));
    await admin.ok('/transparency/checkpoints');
  }
  return { government, insurer, donor, auditor, admin, productA, productB, households, programmeGift, refundedGift, policyNumbers, reportId };
}

describe.each(STORE_CONFIGURATIONS)('paging every list, on %s', (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let w: World;

  beforeAll(async () => {
    // Checkpoints are signed only when asked, so the test knows how many there are.
    platform = await startPlatform({ ...storeEnvironment(), CHECKPOINT_INTERVAL_MS: '0' });
    w = await buildWorld(platform);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  /** Every list, as one caller allowed to read it sees it, with the key that identifies an item. */
  const lists = (): [string, () => ApiClient, string, (item: any) => string][] => [
    ['uncovered households', () => platform.api, `/households/uncovered?region=${COUNTY}&productId=${w.productB}`, (h) => h.householdId],
    ['government households', () => w.government, '/government/households', (h) => h.householdId],
    ['donor gifts', () => w.donor, '/donor/gifts', (g) => g.giftId],
    ["a gift's allocations", () => w.donor, `/gifts/${w.programmeGift}/allocations`, (a) => a.allocationId],
    ["a gift's refunds", () => w.donor, `/gifts/${w.refundedGift}/refunds`, (r) => `${r.kind}:${r.at}`],
    ['insurer policies', () => w.insurer, '/insurer/policies', (p) => p.policyId],
    // The seventh eligible household: its policy for product B, funded by a direct gift.
    ["a household's policies", () => w.government, `/households/${w.households.filter((h) => h.eligible)[6].householdId}/policies`, (p) => p.policyId],
    ['insurer claims', () => w.insurer, '/insurer/claims', (c) => c.claimId],
    ['products', () => platform.api, '/products', (p) => p.productId],
    ['programmes', () => platform.api, '/programmes', (p) => p.programmeId],
    ["programmes' public totals", () => platform.api, '/public/programmes', (p) => p.programmeId],
    ['public money movements', () => platform.api, '/public/money-movements', (m) => m.id],
    ['ledger balances', () => w.auditor, '/ledger', (b) => `${b.account}/${b.currency}`],
    ["a gift's ledger entries", () => w.auditor, `/ledger/gifts/${w.programmeGift}`, (e) => `${e.postingId}/${e.line}`],
    ['checkpoints', () => platform.api, '/transparency/checkpoints', (c) => c.size],
    ['parked events', () => w.admin, '/admin/parked-events', (p) => `${p.worker}/${p.position}`],
    ['disclosure reports', () => platform.api, '/disclosures', (r) => `${r.reportId}/${r.version}`],
    ["a disclosure report's versions", () => platform.api, `/disclosures?reportId=${w.reportId}`, (r) => `${r.reportId}/${r.version}`],
  ];

  it('walks every list page by page: the same items as one page, in the same order, each once', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, client, path, key] of lists()) {
      for (const limit of [1, 4]) sizes[name] = (await walk(client(), path, limit, key)).length;
    }
    expect(sizes).toEqual({
      'uncovered households': HOUSEHOLDS - UNVERIFIED, // for product B, pledged for five of them but not paid
      'government households': HOUSEHOLDS + 3,
      'donor gifts': 12,
      "a gift's allocations": 13,
      "a gift's refunds": 1,
      'insurer policies': 19,
      "a household's policies": 1,
      'insurer claims': 3,
      products: 2,
      programmes: 2,
      "programmes' public totals": 2,
      // Gifts received, premiums paid to insurers, claims paid and refunds (the ledger's postings, checked against it by the money-feed spec).
      'public money movements': 13,
      'ledger balances': expect.any(Number),
      "a gift's ledger entries": expect.any(Number),
      checkpoints: 6,
      'parked events': 0,
      'disclosure reports': 2,
      "a disclosure report's versions": 2,
    });
    expect(sizes['ledger balances']).toBeGreaterThan(20);
    expect(sizes["a gift's ledger entries"]).toBeGreaterThan(13);
  });

  it('orders each list as documented', async () => {
    const households = await w.government.list('/government/households?limit=7');
    const byVillage = households.map((h) => `${h.villageCode}/${h.householdCode}`);
    expect(byVillage).toEqual([...byVillage].sort());
    const gifts = await w.donor.list('/donor/gifts?limit=5');
    const pledged = gifts.map((g) => g.pledgedAt);
    expect(pledged).toEqual([...pledged].sort().reverse());
    const uncovered = await platform.api.list(`/households/uncovered?region=${COUNTY}&productId=${w.productB}&limit=3`);
    const positions = uncovered.map((h) => BigInt(h.verifiedPosition));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const claims = await w.insurer.list('/insurer/claims?limit=1');
    expect(claims.map((c) => c.filedAt)).toEqual(claims.map((c) => c.filedAt).sort());
    const movements = (await platform.api.list('/public/money-movements?limit=3')).map((m) => BigInt(m.position));
    expect(movements).toEqual([...movements].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  });

  it('filters and searches each list', async () => {
    const codes = (items: any[]) => items.map((h) => h.householdCode).sort();
    const expected = (pick: (h: World['households'][number]) => boolean) => w.households.filter(pick).map((h) => h.householdCode).sort();
    // The unverified households, and the three registered last.
    const unverified = codes(await w.government.list('/government/households?eligible=false&limit=2'));
    expect(unverified).toHaveLength(UNVERIFIED + 3);
    expect(unverified).toEqual(expect.arrayContaining(expected((h) => !h.eligible)));
    expect(codes(await w.government.list(`/government/households?region=${VILLAGES[1]}&category=disabled&limit=2`))).toEqual(expected((h) => h.villageCode === VILLAGES[1] && h.category === 'disabled'));
    // Covered: a policy requested or in force (6 + 13 for product A); uncovered and eligible: the other 5.
    expect(await w.government.list('/government/households?covered=true&limit=4')).toHaveLength(19);
    expect(await w.government.list('/government/households?eligible=true&covered=false&limit=4')).toHaveLength(5);
    const [one] = w.households;
    expect(codes(await w.government.list(`/government/households?code=${encodeURIComponent(one.householdCode)}`))).toEqual([one.householdCode]);
    expect(codes(await platform.api.list(`/households/uncovered?region=${COUNTY}&productId=${w.productB}&category=elderly-alone`))).toEqual(
      expected((h) => h.eligible && h.category === 'elderly-alone'),
    );

    expect(await w.donor.list('/donor/gifts?status=pledged')).toHaveLength(5);
    expect(await w.donor.list('/donor/gifts?targetKind=programme')).toEqual([expect.objectContaining({ giftId: w.programmeGift })]);
    expect(await w.donor.list(`/donor/gifts?giftId=${w.refundedGift}`)).toEqual([expect.objectContaining({ giftId: w.refundedGift, status: 'settled' })]);
    expect(await w.donor.list(`/donor/gifts?productId=${w.productB}`)).toHaveLength(5);
    expect(await w.donor.list(`/donor/gifts?from=${today()}&to=${today()}`)).toHaveLength(12);
    expect(await w.donor.list('/donor/gifts?to=2000-01-01')).toEqual([]);

    expect(await w.insurer.list('/insurer/policies?status=active&limit=2')).toHaveLength(5);
    expect(await w.insurer.list(`/insurer/policies?productId=${w.productB}`)).toEqual([]);
    expect((await w.insurer.list(`/insurer/policies?search=${w.policyNumbers[3]}`)).map((p) => p.policyNumber)).toEqual([w.policyNumbers[3]]);
    const [policy] = await w.insurer.list('/insurer/policies?status=active&limit=1');
    expect((await w.insurer.list(`/insurer/policies?search=${encodeURIComponent(policy.household.householdCode)}`)).map((p) => p.policyId)).toEqual([policy.policyId]);
    expect(await w.insurer.list(`/insurer/policies?region=${VILLAGES[0]}`)).toEqual((await w.insurer.list('/insurer/policies')).filter((p) => p.household.villageCode === VILLAGES[0]));
    expect(await w.insurer.list('/insurer/claims?state=filed,approved')).toHaveLength(2);
    expect(await w.insurer.list('/insurer/claims?state=rejected')).toHaveLength(1);
    // A filter given twice is refused by name, not read as a list.
    const twice = await w.insurer.get('/insurer/claims?state=filed,approved&state=filed');
    expect({ status: twice.status, violations: twice.body.violations }).toEqual({ status: 400, violations: [{ field: 'state', rule: 'isSingleValue', code: 'invalid.single-value', params: { field: 'state' } }] });

    expect(await platform.api.list('/products?insurerId=anxin-mutual&limit=1')).toHaveLength(2);
    expect(await platform.api.list('/products?insurerId=someone-else')).toEqual([]);
    expect(await platform.api.list(`/programmes?region=${VILLAGES[2]}`)).toEqual([expect.objectContaining({ name: 'Second programme' })]);
    expect(await platform.api.list(`/programmes?productId=${w.productA}`)).toEqual([expect.objectContaining({ name: 'Paging programme' })]);
    const premiums = await platform.api.list('/public/money-movements?kind=premium-paid-to-insurer&limit=2');
    expect(premiums.length).toBeGreaterThan(0);
    expect(premiums.every((m) => m.kind === 'premium-paid-to-insurer')).toBe(true);
    const escrow = await w.auditor.list('/ledger?account=escrow:gift:&limit=3');
    expect(escrow.length).toBeGreaterThan(0);
    expect(escrow.every((b) => b.account.startsWith('escrow:gift:'))).toBe(true);
  });

  it("answers a gift with the first page of its allocations, the rest at the gift's own list", async () => {
    const gift = await w.donor.read(`/gifts/${w.programmeGift}`);
    expect(gift.allocations.items).toHaveLength(10);
    expect(gift.allocations.nextCursor).toEqual(expect.any(String));
    const rest = await w.donor.list(`/gifts/${w.programmeGift}/allocations?cursor=${gift.allocations.nextCursor}`);
    expect([...gift.allocations.items, ...rest]).toEqual(await w.donor.list(`/gifts/${w.programmeGift}/allocations`));
    const [listed] = await w.donor.list(`/donor/gifts?giftId=${w.programmeGift}`);
    expect(listed.allocations).toEqual(gift.allocations);
    expect((await w.donor.read(`/gifts/${w.refundedGift}`)).refunds).toEqual({ items: [expect.objectContaining({ kind: 'remainder-refunded', amount: cny(500) })], nextCursor: null });
  });

  it('refuses a limit out of range and a cursor the list did not make, naming the field', async () => {
    const donorCursor = (await w.donor.read('/donor/gifts?limit=1')).nextCursor;
    const forged = Buffer.from(JSON.stringify(['donor-gifts', '2000-01-01T00:00:00.000Z', 'a-gift'])).toString('base64url');
    for (const [name, client, path] of lists()) {
      for (const [value, field] of [
        [`limit=501`, 'limit'],
        ['limit=0', 'limit'],
        ['limit=ten', 'limit'],
        ['cursor=not%20a%20cursor', 'cursor'],
        [`cursor=${Buffer.from('not json').toString('base64url')}`, 'cursor'],
        [`cursor=${Buffer.from(JSON.stringify(['donor-gifts'])).toString('base64url')}`, 'cursor'],
        [`cursor=${'A'.repeat(600)}`, 'cursor'],
        ['limit=5&limit=6', 'limit'],
      ]) {
        const response = await client().get(`${path}${path.includes('?') ? '&' : '?'}${value}`);
        expect({ name, value, status: response.status, fields: response.body?.violations?.map((v: { field: string }) => v.field) }).toEqual({ name, value, status: 400, fields: [field] });
      }
      if (name !== 'donor gifts') {
        // A cursor of another list is not a cursor of this one.
        const response = await client().get(withParameter(path, 'cursor', donorCursor));
        expect({ name, status: response.status, field: response.body?.violations?.[0]?.field }).toEqual({ name, status: 400, field: 'cursor' });
      }
    }
    // A cursor written by hand in the list's own shape, or a real one edited, is not one the platform made.
    expect(await w.donor.get(`/donor/gifts?cursor=${forged}`)).toMatchObject({ status: 400, body: { violations: [{ field: 'cursor' }] } });
    const edited = Buffer.from(donorCursor, 'base64url');
    edited[edited.length - 3] ^= 1;
    expect(await w.donor.get(`/donor/gifts?cursor=${edited.toString('base64url')}`)).toMatchObject({ status: 400, body: { violations: [{ field: 'cursor' }] } });
  });

  it('holds no unbounded list in a dashboard: counts and sums only, and the subdivisions one level down', async () => {
    const insurer = await w.insurer.read('/insurer/dashboard');
    expect(Object.keys(insurer).sort()).toEqual(['asOf', 'claims', 'insurerId', 'policies', 'premiums']);
    expect(insurer.policies).toEqual({ counts: { requested: 14, active: 5, expired: 0, cancelled: 0 } });
    expect(insurer.claims.byState).toMatchObject({ filed: { count: 1 }, approved: { count: 1 }, rejected: { count: 1 }, paid: { count: 0 } });
    const county = await w.government.read('/government/dashboard');
    expect(county).toMatchObject({ registered: HOUSEHOLDS + 3, eligible: HOUSEHOLDS - UNVERIFIED, covered: 5 });
    expect(county.children.map((town: { code: string }) => town.code)).toEqual(['440305001', '440305002']);
    expect(county.children.every((town: { children: unknown[] }) => town.children.length === 0)).toBe(true);
    expect(county.uncoveredEligible).toBeUndefined();
  });
});

describe('HTTP hygiene', () => {
  let platform: RunningPlatform;
  const webRoot = mkdtempSync(join(tmpdir(), 'pangolin-web-'));

  beforeAll(async () => {
    // A built web application as Vite lays it out, with a source map left in it.
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><script type="module" src="/assets/index-Ab12Cd34.js"></script>');
    writeFileSync(join(webRoot, 'assets', 'index-Ab12Cd34.js'), `console.log(${JSON.stringify('x'.repeat(4096))});\n//# sourceMappingURL=index-Ab12Cd34.js.map`);
    writeFileSync(join(webRoot, 'assets', 'index-Ab12Cd34.js.map'), '{"version":3,"sources":["../src/secret.ts"]}');
    platform = await startPlatform({}, undefined, { webRoot });
  });
  afterAll(async () => {
    await platform?.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('compresses an answer for a client that accepts gzip, and not for one that does not', async () => {
    const compressed = await platform.api.exchange('GET', '/docs-json', undefined, { 'accept-encoding': 'gzip' });
    expect(compressed.status).toBe(200);
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    expect(compressed.body.openapi).toBeDefined();
    const plain = await fetch(`${platform.url}/docs-json`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const script = await platform.api.exchange('GET', '/assets/index-Ab12Cd34.js', undefined, { 'accept-encoding': 'gzip' });
    expect(script.headers.get('content-encoding')).toBe('gzip');
  });

  it('never serves a source map; caches hashed assets for good and revalidates index.html', async () => {
    expect((await platform.api.get('/assets/index-Ab12Cd34.js.map')).status).toBe(404);
    const asset = await platform.api.exchange('GET', '/assets/index-Ab12Cd34.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const index = await platform.api.exchange('GET', '/index.html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect((await platform.api.exchange('GET', '/')).headers.get('cache-control')).toBe('no-cache');
  });
});
