/**
 * Who may call what, and who sees whose personal data: every operation of the platform's own
 * OpenAPI document, called by every kind of caller (anonymous, a forged token, each role, and for
 * scoped roles a caller inside and one outside the scope), against a world with households in three
 * regions, two insurers and two donors.
 *
 * - Access: each operation has one expected rule below; the test fails on an operation the document
 *   lists and the table does not (a new route must say who may call it), and on a table entry the
 *   document no longer lists.
 * - Personal data: every answer of every request is searched for every household's name, members,
 *   national ID and address. A household's personal data may appear only in answers to its own
 *   government (its region or a larger one containing it) and to an insurer that issued it a policy;
 *   never to donors, auditors, admins, the public, or an insurer whose policy was only requested.
 *
 * Writes are probed with an empty body and unknown ids: a caller the guard lets through is then
 * refused by validation or lookup (400, 404), never allowed to change anything; everyone else gets
 * 401 or 403. http-errors.e2e.spec.ts covers each command's refusals with valid bodies.
 */
import { randomUUID } from 'node:crypto';
import { nationalIdWithChecksum, policyIdFor } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';
import { EVENT_STORE } from '@pangolin/runtime';
import { ADMIN, ApiClient, ApiResponse, cny, RunningPlatform, startPlatform } from './support/platform';

const COUNTY_A = '440305';
const TOWN_A2 = '440305002';
const COUNTY_B = '440306';

type Who = 'anonymous' | 'forged' | 'admin' | 'govA' | 'govTownA2' | 'govB' | 'insurerA' | 'insurerB' | 'donorA' | 'donorB' | 'auditor';
const EVERYONE: Who[] = ['anonymous', 'forged', 'admin', 'govA', 'govTownA2', 'govB', 'insurerA', 'insurerB', 'donorA', 'donorB', 'auditor'];
const SIGNED_IN = EVERYONE.filter((who) => who !== 'anonymous' && who !== 'forged');
const ROLE_OF: Record<Exclude<Who, 'anonymous' | 'forged'>, string> = {
  admin: 'admin',
  govA: 'government',
  govTownA2: 'government',
  govB: 'government',
  insurerA: 'insurer',
  insurerB: 'insurer',
  donorA: 'donor',
  donorB: 'donor',
  auditor: 'auditor',
};
const withRole = (...roles: string[]) => SIGNED_IN.filter((who) => roles.includes(ROLE_OF[who as keyof typeof ROLE_OF]));

type HouseholdKey = 'inTownA2' | 'inCountyA' | 'inCountyB';
/** Whose answers may carry each household's personal data. */
const MAY_SEE_PERSONAL: Record<HouseholdKey, Who[]> = {
  // In town A2 of county A, covered by a policy insurerA issued.
  inTownA2: ['govA', 'govTownA2', 'insurerA'],
  // In county A outside town A2; its premium for insurerB's product was paid, but insurerB never issued the policy.
  inCountyA: ['govA'],
  // In county B; a gift to it was pledged and not paid.
  inCountyB: ['govB'],
};

const VILLAGE: Record<HouseholdKey, string> = { inTownA2: '440305002001', inCountyA: '440305001001', inCountyB: '440306001001' };
const REGISTRAR: Record<HouseholdKey, Who> = { inTownA2: 'govA', inCountyA: 'govA', inCountyB: 'govB' };

/** Distinctive personal data per household, so a leak is found wherever it appears in an answer. */
function personalOf(key: HouseholdKey, n: number) {
  return {
    headName: `户主${key}甲`,
    headNationalId: nationalIdWithChecksum(`${VILLAGE[key].slice(0, 6)}19800101${String(n).padStart(3, '0')}`),
    members: [{ name: `配偶${key}乙`, relation: 'spouse' }],
    address: `${key}村幸福路${n}号`,
  };
}

const w = {
  clients: {} as Record<Who, ApiClient>,
  households: {} as Record<HouseholdKey, string>,
  personal: {} as Record<HouseholdKey, ReturnType<typeof personalOf>>,
  productA: '',
  productB: '',
  programmeA: '',
  /** donorA's paid gift that funded the policy insurerA issued to inTownA2. */
  giftOfDonorA: '',
  /** donorB's unpaid pledge to inCountyB. */
  giftOfDonorB: '',
  issuedPolicy: '',
  eventId: '',
  /** Size of the checkpoint signed once the world was built. */
  checkpointSize: '',
  declarationId: '',
  /** The platform's disclosure report of this quarter, published once the world was built. */
  reportId: '',
};

let platform: RunningPlatform;

// ---------------------------------------------------------------------------------------------
// The expected rule of every operation
// ---------------------------------------------------------------------------------------------

/**
 * For reads: the variants to request (a path with its ids filled in) and, for each, who gets a 2xx;
 * everyone else must be refused (401 anonymous or forged, 403 or 404 signed in).
 * For writes: who the guard lets through (then refused for the empty body or unknown id, never 2xx
 * unless `harmless`).
 */
interface ReadRule {
  kind: 'read';
  variants: () => { path: string; allowed: Who[] }[];
  /** Not there at all in this installation: 404 for every caller (but a forged token, 401). */
  absent?: boolean;
}
interface WriteRule {
  kind: 'write';
  path: () => string;
  allowed: Who[];
  /** The write succeeds with an empty body, and changes nothing a later request relies on. */
  harmless?: boolean;
}
type Rule = ReadRule | WriteRule;

const PUBLIC: Who[] = EVERYONE.filter((who) => who !== 'forged');
const read = (...variants: [path: () => string, allowed: Who[]][]): ReadRule => ({ kind: 'read', variants: () => variants.map(([path, allowed]) => ({ path: path(), allowed })) });
const write = (path: () => string, allowed: Who[], harmless = false): WriteRule => ({ kind: 'write', path, allowed, harmless });
const unknown = () => randomUUID();

const RULES: Record<string, Rule> = {
  'POST /auth/login': write(() => '/auth/login', PUBLIC),
  'GET /auth/me': read([() => '/auth/me', SIGNED_IN]),
  // This installation has no demo data, so it has no demo logins to list.
  'GET /auth/demo-accounts': { ...read([() => '/auth/demo-accounts', []]), absent: true },
  'POST /users': write(() => '/users', ['admin']),

  'GET /health/live': read([() => '/health/live', PUBLIC]),
  'GET /health/ready': read([() => '/health/ready', PUBLIC]),
  'GET /health': read([() => '/health', PUBLIC]),
  'GET /metrics': read([() => '/metrics', PUBLIC]),
  'GET /admin/parked-events': read([() => '/admin/parked-events', ['admin']]),
  'POST /admin/parked-events/{worker}/{position}/replay': write(() => '/admin/parked-events/projections/999999/replay', ['admin']),
  'POST /admin/parked-events/{worker}/{position}/dismiss': write(() => '/admin/parked-events/projections/999999/dismiss', ['admin']),

  'POST /households': write(() => '/households', withRole('government')),
  'POST /households/imports/check': write(() => '/households/imports/check', withRole('government')),
  'POST /households/imports/register': write(() => '/households/imports/register', withRole('government')),
  'POST /households/{householdId}/eligibility/verify': write(() => `/households/${unknown()}/eligibility/verify`, withRole('government')),
  'POST /households/{householdId}/eligibility/revoke': write(() => `/households/${unknown()}/eligibility/revoke`, withRole('government')),
  'POST /households/{householdId}/erasure': write(() => `/households/${unknown()}/erasure`, withRole('government')),
  'GET /households/uncovered': read([() => `/households/uncovered?region=${COUNTY_A}&productId=${w.productA}`, PUBLIC]),
  'GET /households/{householdId}': read(
    [() => `/households/${w.households.inTownA2}`, PUBLIC],
    [() => `/households/${w.households.inCountyA}`, PUBLIC],
    [() => `/households/${w.households.inCountyB}`, PUBLIC],
  ),
  'GET /households/{householdId}/policies': read(
    [() => `/households/${w.households.inTownA2}/policies`, MAY_SEE_PERSONAL.inTownA2],
    [() => `/households/${w.households.inCountyA}/policies`, MAY_SEE_PERSONAL.inCountyA],
    [() => `/households/${w.households.inCountyB}/policies`, MAY_SEE_PERSONAL.inCountyB],
  ),
  'GET /households/{householdId}/history': read(
    [() => `/households/${w.households.inTownA2}/history`, MAY_SEE_PERSONAL.inTownA2],
    [() => `/households/${w.households.inCountyA}/history`, MAY_SEE_PERSONAL.inCountyA],
    [() => `/households/${w.households.inCountyB}/history`, MAY_SEE_PERSONAL.inCountyB],
  ),

  'POST /products': write(() => '/products', withRole('insurer')),
  'POST /products/{productId}/revisions': write(() => `/products/${unknown()}/revisions`, withRole('insurer')),
  'POST /products/{productId}/retire': write(() => `/products/${unknown()}/retire`, withRole('insurer')),
  'GET /products': read([() => '/products', PUBLIC]),

  'POST /programmes': write(() => '/programmes', [...withRole('government'), 'admin']),
  'POST /programmes/{programmeId}/close': write(() => `/programmes/${unknown()}/close`, [...withRole('government'), 'admin']),
  'GET /programmes': read([() => '/programmes', PUBLIC]),

  'POST /gifts': write(() => '/gifts', withRole('donor')),
  'POST /gifts/{giftId}/withdrawal': write(() => `/gifts/${unknown()}/withdrawal`, withRole('donor')),
  'POST /gifts/{giftId}/payment': write(() => `/gifts/${unknown()}/payment`, [...withRole('donor'), 'admin']),
  'GET /gifts/{giftId}': read([() => `/gifts/${w.giftOfDonorA}`, ['donorA', 'auditor', 'admin']], [() => `/gifts/${w.giftOfDonorB}`, ['donorB', 'auditor', 'admin']]),
  'GET /gifts/{giftId}/allocations': read([() => `/gifts/${w.giftOfDonorA}/allocations`, ['donorA', 'auditor', 'admin']], [() => `/gifts/${w.giftOfDonorB}/allocations`, ['donorB', 'auditor', 'admin']]),
  'GET /gifts/{giftId}/refunds': read([() => `/gifts/${w.giftOfDonorA}/refunds`, ['donorA', 'auditor', 'admin']], [() => `/gifts/${w.giftOfDonorB}/refunds`, ['donorB', 'auditor', 'admin']]),
  'GET /gifts/{giftId}/receipt': read([() => `/gifts/${w.giftOfDonorA}/receipt`, ['donorA', 'auditor', 'admin']]),
  'GET /donor/gifts': read([() => '/donor/gifts', withRole('donor')]),

  'POST /policies/{policyId}/issue': write(() => `/policies/${unknown()}/issue`, withRole('insurer')),
  'POST /policies/{policyId}/cancel': write(() => `/policies/${unknown()}/cancel`, [...withRole('insurer'), 'admin']),
  'POST /policies/{policyId}/expire': write(() => `/policies/${unknown()}/expire`, [...withRole('insurer'), 'admin']),
  'POST /policies/{policyId}/claims': write(() => `/policies/${unknown()}/claims`, withRole('insurer', 'government')),
  'POST /policies/{policyId}/claims/{claimId}/approve': write(() => `/policies/${unknown()}/claims/${unknown()}/approve`, withRole('insurer')),
  'POST /policies/{policyId}/claims/{claimId}/reject': write(() => `/policies/${unknown()}/claims/${unknown()}/reject`, withRole('insurer')),
  'POST /policies/{policyId}/claims/{claimId}/payment': write(() => `/policies/${unknown()}/claims/${unknown()}/payment`, withRole('insurer')),
  'POST /evidence': write(() => '/evidence', withRole('insurer', 'government')),
  // Who reads a real claim's evidence is checked by test/claim-evidence.e2e.spec.ts; here, that no one reads an unknown one.
  'GET /policies/{policyId}/claims/{claimId}/evidence/{sha256}': read([() => `/policies/${unknown()}/claims/${unknown()}/evidence/${'0'.repeat(64)}`, []]),
  // Likewise a claim's page: test/claim-page.e2e.spec.ts checks who reads a real one (its insurer of record, its household's government).
  'GET /claims/{claimId}': read([() => `/claims/${unknown()}`, []]),

  'POST /disasters/declarations': write(() => '/disasters/declarations', withRole('government')),
  'POST /disasters/declarations/{declarationId}/confirm': write(() => `/disasters/declarations/${unknown()}/confirm`, withRole('insurer')),
  'POST /disasters/declarations/{declarationId}/dispute': write(() => `/disasters/declarations/${unknown()}/dispute`, withRole('insurer')),
  'GET /disasters/declarations': read([() => '/disasters/declarations', PUBLIC]),
  'GET /disasters/declarations/{declarationId}': read([() => `/disasters/declarations/${w.declarationId}`, PUBLIC]),
  'GET /disasters/declarations/{declarationId}/payouts': read([() => `/disasters/declarations/${w.declarationId}/payouts`, PUBLIC]),
  'GET /disasters/declarations/{declarationId}/uncovered': read([() => `/disasters/declarations/${w.declarationId}/uncovered`, PUBLIC]),

  'GET /government/dashboard': read(
    [() => '/government/dashboard', withRole('government')],
    [() => `/government/dashboard?region=${COUNTY_A}`, ['govA']],
    [() => `/government/dashboard?region=${TOWN_A2}`, ['govA', 'govTownA2']],
    [() => `/government/dashboard?region=${COUNTY_B}`, ['govB']],
  ),
  'GET /government/households': read(
    [() => '/government/households', withRole('government')],
    [() => `/government/households?region=${COUNTY_A}`, ['govA']],
    [() => `/government/households?region=${TOWN_A2}`, ['govA', 'govTownA2']],
    [() => `/government/households?region=${COUNTY_B}`, ['govB']],
  ),
  'GET /insurer/dashboard': read([() => '/insurer/dashboard', withRole('insurer')]),
  // Each insurer's own policies; personal data only of households it issued a policy (checked by the leak search).
  'GET /insurer/policies': read([() => '/insurer/policies', withRole('insurer')]),
  'GET /insurer/claims': read([() => '/insurer/claims', withRole('insurer')]),
  'GET /insurer/loss-ratio': read([() => '/insurer/loss-ratio', withRole('insurer')]),
  // Each insurer's own products' figures only (the indicators spec checks they hold nothing of another's).
  'GET /insurer/indicators': read([() => '/insurer/indicators', withRole('insurer')]),
  'GET /insurer/promptness/claims': read([() => '/insurer/promptness/claims', withRole('insurer')]),
  ...Object.fromEntries(
    ['indicators', 'promptness/insurers', 'promptness/claims', 'promptness/declarations'].map((path) => [
      `GET /government/${path}`,
      read(
        [() => `/government/${path}`, withRole('government')],
        [() => `/government/${path}?region=${COUNTY_A}`, ['govA']],
        [() => `/government/${path}?region=${TOWN_A2}`, ['govA', 'govTownA2']],
        [() => `/government/${path}?region=${COUNTY_B}`, ['govB']],
      ),
    ]),
  ),
  'GET /public/totals': read([() => '/public/totals', PUBLIC]),
  'GET /public/programmes': read([() => '/public/programmes', PUBLIC]),
  'GET /regions/names': read([() => '/regions/names?codes=440305,440305001', PUBLIC]),
  'GET /public/money-movements': read([() => '/public/money-movements', PUBLIC]),
  'GET /ledger': read([() => '/ledger', ['auditor', 'admin']]),
  'GET /ledger/gifts/{giftId}': read([() => `/ledger/gifts/${w.giftOfDonorA}`, ['auditor', 'admin']]),

  'GET /transparency/verifier-key': read([() => '/transparency/verifier-key', PUBLIC]),
  'GET /transparency/checkpoint': read([() => '/transparency/checkpoint', PUBLIC]),
  'POST /disclosures': write(() => '/disclosures', ['admin']),
  'GET /disclosures': read([() => '/disclosures', PUBLIC]),
  'GET /disclosures/{reportId}': read([() => `/disclosures/${w.reportId}`, PUBLIC], [() => `/disclosures/${w.reportId}?format=csv`, PUBLIC]),
  'GET /transparency/checkpoints': read([() => '/transparency/checkpoints', PUBLIC]),
  'GET /transparency/checkpoints/{size}': read([() => `/transparency/checkpoints/${w.checkpointSize}`, PUBLIC]),
  'POST /transparency/checkpoints': write(() => '/transparency/checkpoints', ['admin', 'auditor'], true),
  'GET /transparency/events/{eventId}/inclusion-proof': read([() => `/transparency/events/${w.eventId}/inclusion-proof`, PUBLIC]),
  'GET /transparency/consistency-proof': read([() => '/transparency/consistency-proof?from=1&to=2', PUBLIC]),
  'GET /transparency/leaves': read([() => '/transparency/leaves?indexes=0,1', PUBLIC]),
};

// ---------------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------------

const client = (who: Who) => w.clients[who];
const post = (who: Who, path: string, body: unknown = {}) => client(who).ok(path, body);
const today = () => new Date().toISOString().slice(0, 10);
const terms = (name: string, premium: number) => ({
  terms: { name, coverageKind: 'accident-illness', annualPremium: cny(premium), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365 },
});
const giftTo = (householdId: string, productId: string, amount: number) => ({ amount: cny(amount), target: { kind: 'household', householdId, productId }, remainder: 'refund' });

beforeAll(async () => {
  platform = await startPlatform();
  const anonymous = platform.api;
  const admin = await anonymous.login(ADMIN.username, ADMIN.password);
  w.clients.anonymous = anonymous;
  w.clients.admin = admin;
  // A token of the right shape, signed with another secret.
  const [header, payload] = (admin as unknown as { token: string }).token.split('.');
  w.clients.forged = anonymous.as(`${header}.${payload}.${Buffer.from('not the platform signature').toString('base64url')}`);
  const users: [Exclude<Who, 'anonymous' | 'forged' | 'admin'>, Record<string, string>][] = [
    ['govA', { role: 'government', regionCode: COUNTY_A }],
    ['govTownA2', { role: 'government', regionCode: TOWN_A2 }],
    ['govB', { role: 'government', regionCode: COUNTY_B }],
    ['insurerA', { role: 'insurer', insurerId: 'anxin-mutual' }],
    ['insurerB', { role: 'insurer', insurerId: 'penny-cover' }],
    ['donorA', { role: 'donor' }],
    ['donorB', { role: 'donor' }],
    ['auditor', { role: 'auditor' }],
  ];
  for (const [who, fields] of users) {
    const username = `matrix.${who.toLowerCase()}`;
    await admin.ok('/users', { username, password: `${username}-password`, displayName: who, ...fields });
    w.clients[who] = await anonymous.login(username, `${username}-password`);
  }

  w.productA = (await post('insurerA', '/products', terms('Rural accident & illness cover', 3_000))).productId;
  // A second insurer's product with a premium of one fen: funding it must not open the household's file to that insurer.
  w.productB = (await post('insurerB', '/products', terms('Penny cover', 1))).productId;
  w.programmeA = (await post('govA', '/programmes', { name: 'Nanshan cover', regionCode: COUNTY_A, productId: w.productA })).programmeId;
  let n = 0;
  for (const key of Object.keys(VILLAGE) as HouseholdKey[]) {
    w.personal[key] = personalOf(key, ++n);
    const { householdId } = await post(REGISTRAR[key], '/households', { villageCode: VILLAGE[key], category: 'low-income', personal: w.personal[key] });
    await post(REGISTRAR[key], `/households/${householdId}/eligibility/verify`, { category: 'low-income' });
    w.households[key] = householdId;
  }

  w.giftOfDonorA = (await post('donorA', '/gifts', giftTo(w.households.inTownA2, w.productA, 3_000))).giftId;
  await post('donorA', `/gifts/${w.giftOfDonorA}/payment`, { paymentReference: 'MATRIX-PAY-1', amount: cny(3_000) });
  w.issuedPolicy = policyIdFor(w.households.inTownA2, w.productA, 1);
  await post('insurerA', `/policies/${w.issuedPolicy}/issue`, { policyNumber: 'ANX-MATRIX-1', startDate: today() });

  const pennyGift = (await post('donorA', '/gifts', giftTo(w.households.inCountyA, w.productB, 1))).giftId;
  await post('donorA', `/gifts/${pennyGift}/payment`, { paymentReference: 'MATRIX-PAY-2', amount: cny(1) });

  w.giftOfDonorB = (await post('donorB', '/gifts', giftTo(w.households.inCountyB, w.productA, 3_000))).giftId;
  w.declarationId = (await post('govA', '/disasters/declarations', { peril: 'flood', regionCodes: [TOWN_A2], incidentFrom: today(), incidentTo: today(), severity: 3, authorityReference: 'MATRIX-FLOOD-1' })).declarationId;
  w.checkpointSize = (await post('admin', '/transparency/checkpoints')).size;
  w.reportId = (await post('admin', '/disclosures', { from: today(), to: today() })).reportId;
  const [first] = await platform.app.get<EventStore>(EVENT_STORE).readAll({ after: 0n, limit: 1 });
  w.eventId = first.eventId;
});

afterAll(async () => {
  await platform?.stop();
});

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** The households whose personal data (any one piece of it) appears in an answer. */
function personalDataIn(response: ApiResponse): HouseholdKey[] {
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  return (Object.keys(w.personal) as HouseholdKey[]).filter((key) => {
    const { headName, headNationalId, members, address } = w.personal[key];
    return [headName, headNationalId, address, ...members.map((member) => member.name)].some((piece) => text.includes(piece));
  });
}

function expectNoLeak(who: Who, request: string, response: ApiResponse) {
  const leaked = personalDataIn(response).filter((key) => !MAY_SEE_PERSONAL[key].includes(who));
  expect({ who, request, leaked }).toEqual({ who, request, leaked: [] });
}

/** Compares a status with a set of statuses, keeping the caller and the request in a failure's message. */
function expectStatusAmong(who: Who, request: string, response: ApiResponse, statuses: number[]) {
  const status = statuses.includes(response.status) ? statuses.join(' or ') : response.status;
  expect({ who, request, status }).toEqual({ who, request, status: statuses.join(' or ') });
}

function expectRefused(who: Who, request: string, response: ApiResponse) {
  expectStatusAmong(who, request, response, who === 'anonymous' || who === 'forged' ? [401] : [403, 404]);
}

/** A list answer, paged ({ items }) or not. */
const itemsOf = (body: any): any[] => (Array.isArray(body) ? body : body.items);

it('has one access rule for every operation of the OpenAPI document, and none for operations it does not list', async () => {
  const document = await platform.api.read('/docs-json');
  const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect([...operations].sort()).toEqual(Object.keys(RULES).sort());
});

it('builds the world: one policy issued by insurerA, one only requested from insurerB', async () => {
  const policiesOfA = itemsOf(await client('insurerA').read('/insurer/policies'));
  expect(policiesOfA.map((policy: any) => [policy.policyId, policy.status])).toContainEqual([w.issuedPolicy, 'active']);
  // insurerA issued it: the console shows the household's personal data.
  expect(policiesOfA.find((policy: any) => policy.policyId === w.issuedPolicy).household.personal).toMatchObject({ headName: w.personal.inTownA2.headName });
  const requestedFromB = policyIdFor(w.households.inCountyA, w.productB, 1);
  const policiesOfB = itemsOf(await client('insurerB').read('/insurer/policies'));
  expect(policiesOfB.map((policy: any) => [policy.policyId, policy.status])).toContainEqual([requestedFromB, 'requested']);
  // Only requested: the household's code and village, not its personal data.
  expect(policiesOfB.find((policy: any) => policy.policyId === requestedFromB).household).toEqual({ householdCode: expect.any(String), villageCode: VILLAGE.inCountyA, category: 'low-income', size: expect.any(Number) });
  // The government of the household does see its personal data (the leak search finds what it looks for).
  expect(personalDataIn(await client('govA').get(`/households/${w.households.inCountyA}`))).toEqual(['inCountyA']);
});

describe.each(Object.entries(RULES).filter(([, rule]) => rule.kind === 'read') as [string, ReadRule][])('%s', (_operation, rule) => {
  it.each(EVERYONE)('as %s: allowed exactly where the rule says, and no personal data beyond the caller\'s', async (who) => {
    for (const { path, allowed } of rule.variants()) {
      const response = await client(who).get(path);
      const request = `GET ${path}`;
      if (allowed.includes(who)) expect({ who, request, status: response.status }).toEqual({ who, request, status: 200 });
      else if (rule.absent && who !== 'forged') expectStatusAmong(who, request, response, [404]);
      else expectRefused(who, request, response);
      expectNoLeak(who, request, response);
    }
  });
});

describe.each(Object.entries(RULES).filter(([, rule]) => rule.kind === 'write') as [string, WriteRule][])('%s', (_operation, rule) => {
  it.each(EVERYONE)('as %s: the guard lets through exactly the allowed callers, and nothing is written', async (who) => {
    const path = rule.path();
    const request = `POST ${path}`;
    const head = await platform.app.get<EventStore>(EVENT_STORE).headPosition();
    const response = await client(who).post(path, {});
    if (!rule.allowed.includes(who)) expectRefused(who, request, response);
    else if (rule.harmless) expect(response.status).toBeLessThan(300);
    // Let through, then refused for the empty body or the unknown id: the guard did not stop it.
    else expectStatusAmong(who, request, response, [400, 404, 422]);
    if (!rule.harmless) expect(await platform.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(head);
    expectNoLeak(who, request, response);
  });
});

describe('scoped answers hold only the caller\'s own records', () => {
  it('a donor\'s gift list holds only that donor\'s gifts', async () => {
    const idsOf = async (who: Who) => itemsOf(await client(who).read('/donor/gifts')).map((gift) => gift.giftId);
    expect(await idsOf('donorA')).toContain(w.giftOfDonorA);
    expect(await idsOf('donorA')).not.toContain(w.giftOfDonorB);
    expect(await idsOf('donorB')).toEqual([w.giftOfDonorB]);
  });

  it('an insurer\'s dashboard and lists hold only its own products and policies', async () => {
    const answersOfB = await Promise.all(['/insurer/dashboard', '/insurer/policies', '/insurer/claims', '/products?insurerId=penny-cover'].map((path) => client('insurerB').read(path)));
    const text = JSON.stringify(answersOfB);
    expect(text).not.toContain(w.productA);
    expect(text).not.toContain(w.issuedPolicy);
  });

  it('a government\'s household list holds only the households of its region', async () => {
    const idsOf = async (who: Who) => itemsOf(await client(who).read('/government/households')).map((household) => household.householdId);
    expect((await idsOf('govA')).sort()).toEqual([w.households.inTownA2, w.households.inCountyA].sort());
    expect(await idsOf('govTownA2')).toEqual([w.households.inTownA2]);
    expect(await idsOf('govB')).toEqual([w.households.inCountyB]);
  });
});
