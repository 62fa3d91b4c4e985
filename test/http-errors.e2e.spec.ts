/**
 * Every command endpoint's refusals over real HTTP: 400 (naming the field and the rule), 401,
 * 403 (wrong role, or outside the caller's region / insurer), 404 (unknown ids, and things that
 * exist but not for the caller) and 409 (the state does not allow it), and that a refused
 * command writes nothing: no event is appended and no view changes.
 *
 * One platform for the file; the state every case needs is built once in beforeAll. Every case is
 * a refusal, so the state stays the same from the first case to the last.
 */
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, nationalIdWithChecksum, policyIdFor } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';
import { EVENT_STORE } from '@pangolin/runtime';
import { ADMIN, ApiClient, ApiResponse, cny, RunningPlatform, startPlatform, TestClock } from './support/platform';

// ---------------------------------------------------------------------------------------------
// The world every case runs against
// ---------------------------------------------------------------------------------------------

const COUNTY_A = '440305';
const TOWN_A2 = '440305002';
const VILLAGE_A1 = '440305001001';
const COUNTY_B = '440306';

/** Policy P1 covers 2026-01-01..2026-12-31, with a 30-day waiting period: claims are covered from 2026-01-31. */
const POLICY_START = '2026-01-01';
const COVERED_INCIDENT = '2026-06-01';
const SUM_INSURED = 100_000;
const PREMIUM = 3_000;
/** Dashboards are read as of a fixed day, so the earned premium does not move with the clock. */
const AS_OF = '2026-06-30';
/**
 * The platform's clock: P1's premium is paid on POLICY_START, its claims filed in June, and every
 * case runs on 2026-06-15, inside P1's period.
 */
const clock = new TestClock(`${POLICY_START}T08:00:00Z`);
const CASES_RUN_ON = '2026-06-15';

const ROLES = ['donor', 'insurer', 'government', 'auditor', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** Who makes a request: a signed-in test user, or nobody. */
type Who = 'anonymous' | 'admin' | 'govA' | 'govTownA2' | 'govB' | 'insurerA' | 'insurerB' | 'donorA' | 'donorB' | 'auditor';
/** The user that stands for each role in the wrong-role cases. */
const REPRESENTATIVE: Record<Role, Who> = { donor: 'donorA', insurer: 'insurerA', government: 'govA', auditor: 'auditor', admin: 'admin' };

const w = {
  clients: {} as Record<Who, ApiClient>,
  productId: '',
  retiredProductId: '',
  programmeId: '',
  closedProgrammeId: '',
  retiredProductProgrammeId: '',
  /** Registered and verified; nothing ever pays its premium here. */
  eligibleHousehold: '',
  /** Registered, never verified. */
  unverifiedHousehold: '',
  /** Covered by P1. */
  coveredHousehold: '',
  /** donorA's gift, paid with PAY-G1, that funded P1. */
  paidGift: '',
  /** donorA's gift of PREMIUM to eligibleHousehold, pledged but not paid. */
  unpaidGift: '',
  /** Issued by insurerA, POLICY_START + 365 days. */
  activePolicy: '',
  /** Requested, then cancelled by the admin before issue. */
  cancelledPolicy: '',
  /** Claims on the active policy. */
  filedClaim: '',
  rejectedClaim: '',
  /** Approved and paid (60 000) with PAYOUT-1: 40 000 of cover remains. */
  paidClaim: '',
  /** Filed (60 000) while the cover was whole: approving it now would pass the remaining cover. */
  bigClaim: '',
};

let platform: RunningPlatform;
let store: EventStore;

const client = (who: Who) => w.clients[who];

async function post(who: Who, path: string, body: unknown = {}): Promise<any> {
  return client(who).ok(path, body);
}

// ---------------------------------------------------------------------------------------------
// Request bodies that are valid unless a case overrides part of them
// ---------------------------------------------------------------------------------------------

let nationalIdSequence = 0;
function householdBody(overrides: Record<string, unknown> = {}, personal: Record<string, unknown> = {}) {
  nationalIdSequence += 1;
  return {
    villageCode: VILLAGE_A1,
    category: 'low-income',
    personal: {
      headName: '张伟',
      headNationalId: nationalIdWithChecksum(`44030519700101${String(nationalIdSequence).padStart(3, '0')}`),
      members: [{ name: '李娜', relation: 'spouse' }],
      address: '南山区西丽街道1号',
      ...personal,
    },
    ...overrides,
  };
}

/** A well-formed 18-character ID whose check character is wrong. */
function wrongCheckCharacter(first17: string): string {
  const valid = nationalIdWithChecksum(first17);
  return first17 + (valid.endsWith('0') ? '1' : '0');
}

function terms(overrides: Record<string, unknown> = {}) {
  return {
    terms: {
      name: 'Rural accident & illness cover',
      coverageKind: 'accident-illness',
      annualPremium: cny(PREMIUM),
      sumInsured: cny(SUM_INSURED),
      waitingPeriodDays: 30,
      termDays: 365,
      ...overrides,
    },
  };
}

const giftToHousehold = (householdId: string, productId = w.productId, amount: unknown = cny(PREMIUM)) => ({
  amount,
  target: { kind: 'household', householdId, productId },
  remainder: 'refund',
});
const giftToProgramme = (programmeId: string) => ({ amount: cny(PREMIUM), target: { kind: 'programme', programmeId }, remainder: 'hold' });
const claimBody = (overrides: Record<string, unknown> = {}) => ({ incidentDate: COVERED_INCIDENT, kind: 'illness', amountClaimed: cny(1_000), evidence: ['invoice.pdf'], ...overrides });
const issueBody = { policyNumber: 'ANX-2026-0002', startDate: POLICY_START };
const cancelBody = { reason: 'household moved away', effectiveDate: '2026-07-01' };

const paths = {
  verify: (id: string) => `/households/${id}/eligibility/verify`,
  revoke: (id: string) => `/households/${id}/eligibility/revoke`,
  revise: (id: string) => `/products/${id}/revisions`,
  retire: (id: string) => `/products/${id}/retire`,
  close: (id: string) => `/programmes/${id}/close`,
  pay: (id: string) => `/gifts/${id}/payment`,
  issue: (id: string) => `/policies/${id}/issue`,
  cancel: (id: string) => `/policies/${id}/cancel`,
  expire: (id: string) => `/policies/${id}/expire`,
  claims: (policyId: string) => `/policies/${policyId}/claims`,
  claim: (policyId: string, claimId: string, action: 'approve' | 'reject' | 'payment') => `/policies/${policyId}/claims/${claimId}/${action}`,
};

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

type Expectation =
  /** 400 whose body.violations holds {field, rule} and whose body.message names the field. */
  | { status: 400; field: string; rule: string | RegExp }
  /** Any other refusal: body.reason (required for 409) or else body.message must say `says`. */
  | { status: 401 | 403 | 404 | 409; says: RegExp; code?: string; params?: Record<string, unknown> };

/** A DTO rule (class-validator's name for it) or a domain rule (its wording). */
const invalid = (field: string, rule: string | RegExp): Expectation => ({ status: 400, field, rule });
const unauthenticated = (says: RegExp): Expectation => ({ status: 401, says });
const forbidden = (says: RegExp, code?: string, params?: Record<string, unknown>): Expectation => ({ status: 403, says, code, params });
const notFound = (says: RegExp): Expectation => ({ status: 404, says });
/** With the code and parameters a client translates it by, where given. */
const conflict = (says: RegExp, code?: string, params?: Record<string, unknown>): Expectation => ({ status: 409, says, code, params });

function expectRefusal(response: ApiResponse, expected: Expectation) {
  // Status and body together, so a failure shows what the API said.
  expect({ status: response.status, body: response.body }).toMatchObject({ status: expected.status });
  const body = response.body;
  expect(body.statusCode).toBe(expected.status);
  if (expected.status === 400) {
    expect(body.violations).toEqual(expect.arrayContaining([expect.objectContaining({ field: expected.field, rule: typeof expected.rule === 'string' ? expected.rule : expect.stringMatching(expected.rule) })]));
    // Each violation also has a code a client translates (one the registry knows, never the catch-all) and its parameters.
    for (const violation of body.violations) expect(violation).toEqual({ field: expect.any(String), rule: expect.any(String), code: expect.any(String), params: expect.objectContaining({ field: violation.field }) });
    for (const violation of body.violations) expect([violation.code, ERROR_CODES.includes(violation.code), /\.other$/.test(violation.code)]).toEqual([violation.code, true, false]);
    expect(body.code).toBe(body.violations[0].code);
    expect([body.message].flat().join('\n')).toContain(expected.field);
  } else if (expected.status === 409) {
    // Every conflict carries its reason in a field of its own (and in the message).
    expect(body.reason).toMatch(expected.says);
    expect(body.message).toBe(body.reason);
  } else {
    // The guard's 403s and 401s, and 404s, say it in the message; a domain 403 also in body.reason.
    expect(body.reason ?? body.message).toMatch(expected.says);
  }
  if (expected.status !== 400 && expected.code) expect({ code: body.code, params: body.params }).toEqual({ code: expected.code, params: expected.params ?? {} });
  // Every refusal has a stable code the registry knows, and its parameters.
  expect([body.code, ERROR_CODES.includes(body.code)]).toEqual([body.code, true]);
  expect(body.params).toEqual(expect.any(Object));
}

// ---------------------------------------------------------------------------------------------
// What a refused command must leave untouched
// ---------------------------------------------------------------------------------------------

/** The event log's head and every view a command could change, as each audience sees it. */
async function observe() {
  const read = (who: Who, path: string) => client(who).read(path);
  const [head, ...views] = await Promise.all([
    store.headPosition(),
    read('anonymous', '/public/totals'),
    read('anonymous', '/products'),
    read('anonymous', '/programmes'),
    read('insurerA', `/insurer/dashboard?asOf=${AS_OF}`),
    read('insurerB', `/insurer/dashboard?asOf=${AS_OF}`),
    read('insurerA', '/insurer/policies?limit=500'),
    read('insurerA', '/insurer/claims?limit=500'),
    read('govA', '/government/dashboard'),
    read('govA', '/government/households'),
    read('govB', '/government/dashboard'),
    read('donorA', '/donor/gifts'),
    read('donorB', '/donor/gifts'),
    read('auditor', '/ledger'),
  ]);
  return { head, views };
}

interface Attempt {
  by: Who;
  path: string;
  body?: unknown;
  /** A further check that nothing changed, for state no view shows (accounts). */
  unchanged?: () => Promise<void>;
}
/** [title, the request (built once the world exists), what the API must answer]. */
type Case = [title: string, attempt: () => Attempt, expected: Expectation];

/**
 * The log's head and the views as the last case left them (first observed once the world is built):
 * every case is a refusal, so each compares what it leaves with what it found, one observation per case.
 */
let lastObserved: Awaited<ReturnType<typeof observe>>;

/** Runs each case: the refusal is as expected, and the event log and the views did not move. */
function refusals(cases: Case[]) {
  it.each(cases)('%s', async (_title, attempt, expected) => {
    const { by, path, body, unchanged } = attempt();
    const before = lastObserved;
    const response = await client(by).post(path, body === undefined ? {} : body);
    expectRefusal(response, expected);
    // Kept before the comparison: a case that changed something fails alone, not every case after it.
    lastObserved = await observe();
    expect(lastObserved).toEqual(before);
    await unchanged?.();
  });
}

/** 403 for every signed-in role but `allowed`, each sending an otherwise valid request. */
function wrongRoles(allowed: Role[], attempt: () => Omit<Attempt, 'by'>): Case[] {
  return ROLES.filter((role) => !allowed.includes(role)).map((role): Case => [
    `403 for a signed-in ${role}`,
    () => ({ ...attempt(), by: REPRESENTATIVE[role] }),
    forbidden(new RegExp(`this action is for ${allowed.join(' or ')}; you are signed in as ${role}`), 'auth.forbidden-role', { roles: allowed, role }),
  ]);
}

const malformedId = (field: string, attempt: () => Attempt): Case => [`400 when :${field} is not a UUID`, attempt, invalid(field, 'isUuid')];
const unknownId = () => randomUUID();

// ---------------------------------------------------------------------------------------------
// Building the world (only successful commands here)
// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  platform = await startPlatform(undefined, undefined, { clock });
  store = platform.app.get<EventStore>(EVENT_STORE);
  const anonymous = platform.api;
  const admin = await anonymous.login(ADMIN.username, ADMIN.password);
  const users: [Exclude<Who, 'anonymous' | 'admin'>, Record<string, string>][] = [
    ['govA', { role: 'government', regionCode: COUNTY_A }],
    ['govTownA2', { role: 'government', regionCode: TOWN_A2 }],
    ['govB', { role: 'government', regionCode: COUNTY_B }],
    ['insurerA', { role: 'insurer', insurerId: 'anxin-mutual' }],
    ['insurerB', { role: 'insurer', insurerId: 'other-insurer' }],
    ['donorA', { role: 'donor' }],
    ['donorB', { role: 'donor' }],
    ['auditor', { role: 'auditor' }],
  ];
  w.clients.anonymous = anonymous;
  w.clients.admin = admin;
  await Promise.all(
    users.map(async ([who, fields]) => {
      const username = who.toLowerCase();
      await admin.ok('/users', { username, password: `${username}-password`, displayName: who, ...fields });
      w.clients[who] = await anonymous.login(username, `${username}-password`);
    }),
  );

  w.productId = (await post('insurerA', '/products', terms())).productId;
  w.retiredProductId = (await post('insurerA', '/products', terms({ name: 'Old cover' }))).productId;
  w.programmeId = (await post('govA', '/programmes', { name: 'Nanshan cover 2026', regionCode: COUNTY_A, productId: w.productId })).programmeId;
  w.closedProgrammeId = (await post('govA', '/programmes', { name: 'Nanshan cover 2025', regionCode: COUNTY_A, productId: w.productId })).programmeId;
  await post('govA', paths.close(w.closedProgrammeId), { reason: 'budget year ended' });
  w.retiredProductProgrammeId = (await post('admin', '/programmes', { name: 'Old cover programme', regionCode: COUNTY_A, productId: w.retiredProductId })).programmeId;
  await post('insurerA', paths.retire(w.retiredProductId));

  const registered = async (verified: boolean) => {
    const { householdId } = await post('govA', '/households', householdBody());
    if (verified) await post('govA', paths.verify(householdId), { category: 'low-income' });
    return householdId as string;
  };
  w.eligibleHousehold = await registered(true);
  w.unverifiedHousehold = await registered(false);
  w.coveredHousehold = await registered(true);
  const cancelledHousehold = await registered(true);

  // P1: funded by donorA's gift, issued by insurerA.
  w.paidGift = (await post('donorA', '/gifts', giftToHousehold(w.coveredHousehold))).giftId;
  await post('donorA', paths.pay(w.paidGift), { paymentReference: 'PAY-G1', amount: cny(PREMIUM) });
  w.activePolicy = policyIdFor(w.coveredHousehold, w.productId, 1);
  await post('insurerA', paths.issue(w.activePolicy), { policyNumber: 'ANX-2026-0001', startDate: POLICY_START });

  // P2: funded by donorB's gift, cancelled by the admin before issue.
  const cancelledGift = (await post('donorB', '/gifts', giftToHousehold(cancelledHousehold))).giftId;
  await post('donorB', paths.pay(cancelledGift), { paymentReference: 'PAY-G3', amount: cny(PREMIUM) });
  w.cancelledPolicy = policyIdFor(cancelledHousehold, w.productId, 1);
  await post('admin', paths.cancel(w.cancelledPolicy), { reason: 'registered twice by mistake', effectiveDate: POLICY_START });

  w.unpaidGift = (await post('donorA', '/gifts', giftToHousehold(w.eligibleHousehold))).giftId;

  clock.set(`${CASES_RUN_ON}T08:00:00Z`);
  const file = async (amount: number, by: Who = 'insurerA') => (await post(by, paths.claims(w.activePolicy), claimBody({ amountClaimed: cny(amount) }))).claimId as string;
  // The household's own government may file: the 404s for other governments are about scope, not role.
  w.filedClaim = await file(1_000, 'govA');
  w.rejectedClaim = await file(1_000);
  w.paidClaim = await file(60_000);
  w.bigClaim = await file(60_000);
  await post('insurerA', paths.claim(w.activePolicy, w.rejectedClaim, 'reject'), { reason: 'not an illness' });
  await post('insurerA', paths.claim(w.activePolicy, w.paidClaim, 'approve'), {});
  await post('insurerA', paths.claim(w.activePolicy, w.paidClaim, 'payment'), { payoutReference: 'PAYOUT-1' });
});

afterAll(async () => {
  await platform?.stop();
});

it('builds the world the cases rely on', async () => {
  const policies = await client('insurerA').list('/insurer/policies');
  const status = (policyId: string) => policies.find((p: any) => p.policyId === policyId)?.status;
  expect(status(w.activePolicy)).toBe('active');
  expect(status(w.cancelledPolicy)).toBe('cancelled');
  const claims = await client('insurerA').list('/insurer/claims');
  const claim = (claimId: string) => claims.find((c: any) => c.claimId === claimId)?.state;
  expect([claim(w.filedClaim), claim(w.rejectedClaim), claim(w.paidClaim), claim(w.bigClaim)]).toEqual(['filed', 'rejected', 'paid', 'filed']);
  // Views settle before a command answers, so two reads in a row agree (the no-half-write checks rely on it).
  lastObserved = await observe();
  expect(await observe()).toEqual(lastObserved);
});

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

const EVERY_COMMAND: [string, () => string][] = [
  ['POST /households', () => '/households'],
  ['POST /households/:id/eligibility/verify', () => paths.verify(w.eligibleHousehold)],
  ['POST /households/:id/eligibility/revoke', () => paths.revoke(w.eligibleHousehold)],
  ['POST /products', () => '/products'],
  ['POST /products/:id/revisions', () => paths.revise(w.productId)],
  ['POST /products/:id/retire', () => paths.retire(w.productId)],
  ['POST /programmes', () => '/programmes'],
  ['POST /programmes/:id/close', () => paths.close(w.programmeId)],
  ['POST /gifts', () => '/gifts'],
  ['POST /gifts/:id/payment', () => paths.pay(w.unpaidGift)],
  ['POST /policies/:id/issue', () => paths.issue(w.activePolicy)],
  ['POST /policies/:id/cancel', () => paths.cancel(w.activePolicy)],
  ['POST /policies/:id/expire', () => paths.expire(w.activePolicy)],
  ['POST /policies/:id/claims', () => paths.claims(w.activePolicy)],
  ['POST /policies/:pid/claims/:cid/approve', () => paths.claim(w.activePolicy, w.filedClaim, 'approve')],
  ['POST /policies/:pid/claims/:cid/reject', () => paths.claim(w.activePolicy, w.filedClaim, 'reject')],
  ['POST /policies/:pid/claims/:cid/payment', () => paths.claim(w.activePolicy, w.filedClaim, 'payment')],
  ['POST /users', () => '/users'],
];

describe('without a valid bearer token', () => {
  refusals(EVERY_COMMAND.map(([name, path]): Case => [`401 for ${name} without a token`, () => ({ by: 'anonymous', path: path() }), unauthenticated(/a bearer token is required: POST \/auth\/login/)]));

  it('401 for a forged token', async () => {
    const before = lastObserved;
    const response = await platform.api.as('not.a.jwt').post('/households', householdBody());
    expectRefusal(response, unauthenticated(/the bearer token is invalid or has expired/));
    lastObserved = await observe();
    expect(lastObserved).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Households
// ---------------------------------------------------------------------------------------------

describe('POST /households', () => {
  const register = (by: Who, body: unknown) => () => ({ by, path: '/households', body });
  refusals([
    ['400 when villageCode is a county code, not a village', register('govA', householdBody({ villageCode: COUNTY_A })), invalid('villageCode', 'matches')],
    ['400 for an unknown category', register('govA', householdBody({ category: 'rich' })), invalid('category', 'isIn')],
    ['400 without personal data', register('govA', { villageCode: VILLAGE_A1, category: 'low-income' }), invalid('personal', 'isObject')],
    ['400 for personal data that is a list, not an object', register('govA', householdBody({ personal: [] })), invalid('personal', 'isObject')],
    ['400 for a member that is null', register('govA', householdBody({}, { members: [null] })), invalid('personal.members', 'isObject')],
    ['400 for a member that is a list', register('govA', householdBody({}, { members: [[]] })), invalid('personal.members', 'isObject')],
    ['400 for a head national ID that is not 18 characters', register('govA', householdBody({}, { headNationalId: '4403051970' })), invalid('personal.headNationalId', 'matches')],
    ['400 for a head national ID with a wrong check character', register('govA', householdBody({}, { headNationalId: wrongCheckCharacter('44030519700101999') })), invalid('personal.headNationalId', /valid birth date and check character/)],
    ['400 for a blank head name', register('govA', householdBody({}, { headName: '   ' })), invalid('personal.headName', 'must not be empty')],
    ['400 for a member without a name, naming the member by index', register('govA', householdBody({}, { members: [{ name: '', relation: 'spouse' }] })), invalid('personal.members[0].name', 'isNotEmpty')],
    [
      '400 for a member national ID with a wrong check character',
      register('govA', householdBody({}, { members: [{ name: '李娜', relation: 'spouse', nationalId: wrongCheckCharacter('44030520100615002') }] })),
      invalid('personal.members[0].nationalId', /check character/),
    ],
    ['400 when the client tries to choose the household id', register('govA', { ...householdBody(), householdId: randomUUID() }), invalid('householdId', 'whitelistValidation')],
    ...wrongRoles(['government'], () => ({ path: '/households', body: householdBody() })),
    ['403 for a government registering a village outside its county', register('govB', householdBody()), forbidden(/village 440305001001 is outside region 440306/)],
    ['403 for a town government registering a village of another town', register('govTownA2', householdBody()), forbidden(/village 440305001001 is outside region 440305002/)],
  ]);
});

describe('POST /households/:id/eligibility/verify', () => {
  const verify = (by: Who, id: () => string, body: unknown = { category: 'disabled' }) => () => ({ by, path: paths.verify(id()), body });
  refusals([
    ['400 for an unknown category', verify('govA', () => w.eligibleHousehold, { category: 'rich' }), invalid('category', 'isIn')],
    ['400 without a category', verify('govA', () => w.eligibleHousehold, {}), invalid('category', 'isIn')],
    malformedId('householdId', verify('govA', () => 'household-1')),
    ...wrongRoles(['government'], () => ({ path: paths.verify(w.eligibleHousehold), body: { category: 'disabled' } })),
    ['403 for the government of another county', verify('govB', () => w.eligibleHousehold), forbidden(/outside region 440306/)],
    ['403 for the government of another town of the same county', verify('govTownA2', () => w.unverifiedHousehold), forbidden(/outside region 440305002/)],
    ['404 for an unknown household', verify('govA', unknownId), notFound(/household [0-9a-f-]{36} not found/)],
  ]);
});

describe('POST /households/:id/eligibility/revoke', () => {
  const revoke = (by: Who, id: () => string, body: unknown = { reason: 'moved out of the county' }) => () => ({ by, path: paths.revoke(id()), body });
  refusals([
    ['400 without a reason', revoke('govA', () => w.eligibleHousehold, {}), invalid('reason', 'isNotEmpty')],
    ['400 for a blank reason', revoke('govA', () => w.eligibleHousehold, { reason: '   ' }), invalid('reason', 'must not be empty')],
    malformedId('householdId', revoke('govA', () => '12345')),
    ...wrongRoles(['government'], () => ({ path: paths.revoke(w.eligibleHousehold), body: { reason: 'moved' } })),
    ['403 for the government of another county', revoke('govB', () => w.eligibleHousehold), forbidden(/outside region 440306/)],
    ['404 for an unknown household', revoke('govA', unknownId), notFound(/household [0-9a-f-]{36} not found/)],
    ['409 for a household that is not currently eligible', revoke('govA', () => w.unverifiedHousehold), conflict(/is not currently eligible/)],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

describe('POST /products', () => {
  const publish = (body: unknown, by: Who = 'insurerA') => () => ({ by, path: '/products', body });
  refusals([
    ['400 for a premium in fractions of a fen', publish(terms({ annualPremium: cny(30.5) })), invalid('terms.annualPremium.amount', 'isInt')],
    ['400 for a lower-case currency', publish(terms({ annualPremium: { amount: PREMIUM, currency: 'cny' } })), invalid('terms.annualPremium.currency', 'matches')],
    ['400 for an unknown coverage kind', publish(terms({ coverageKind: 'pet' })), invalid('terms.coverageKind', 'isIn')],
    ['400 for a zero-day term', publish(terms({ termDays: 0 })), invalid('terms.termDays', 'min')],
    ['400 for a fractional waiting period', publish(terms({ waitingPeriodDays: 1.5 })), invalid('terms.waitingPeriodDays', 'isInt')],
    ['400 without terms', publish({}), invalid('terms', 'isObject')],
    ['400 without a sum insured', publish(terms({ sumInsured: undefined })), invalid('terms.sumInsured', 'isObject')],
    ['400 for a sum insured below the premium', publish(terms({ sumInsured: cny(PREMIUM - 1) })), invalid('terms.sumInsured.amount', 'must be at least terms.annualPremium.amount')],
    ['400 for a sum insured in another currency than the premium', publish(terms({ sumInsured: { amount: SUM_INSURED, currency: 'USD' } })), invalid('terms.sumInsured.currency', 'must be the currency of terms.annualPremium')],
    ...wrongRoles(['insurer'], () => ({ path: '/products', body: terms() })),
  ]);
});

describe('POST /products/:id/revisions', () => {
  const revise = (by: Who, id: () => string, body: unknown = terms({ annualPremium: cny(3_500) })) => () => ({ by, path: paths.revise(id()), body });
  refusals([
    ['400 for a term over ten years', revise('insurerA', () => w.productId, terms({ termDays: 3661 })), invalid('terms.termDays', 'max')],
    ['400 for a sum insured below the premium', revise('insurerA', () => w.productId, terms({ annualPremium: cny(SUM_INSURED + 1) })), invalid('terms.sumInsured.amount', /at least/)],
    malformedId('productId', revise('insurerA', () => 'product-1')),
    ...wrongRoles(['insurer'], () => ({ path: paths.revise(w.productId), body: terms() })),
    ["403 for another insurer's product", revise('insurerB', () => w.productId), forbidden(/belongs to another insurer/)],
    ['404 for an unknown product', revise('insurerA', unknownId), notFound(/product [0-9a-f-]{36} not found/)],
    ['409 for a retired product', revise('insurerA', () => w.retiredProductId), conflict(/is retired/)],
  ]);
});

describe('POST /products/:id/retire', () => {
  const retire = (by: Who, id: () => string) => () => ({ by, path: paths.retire(id()) });
  refusals([
    malformedId('productId', retire('insurerA', () => 'latest')),
    ...wrongRoles(['insurer'], () => ({ path: paths.retire(w.productId) })),
    ["403 for another insurer's product", retire('insurerB', () => w.productId), forbidden(/belongs to another insurer/)],
    ['404 for an unknown product', retire('insurerA', unknownId), notFound(/product [0-9a-f-]{36} not found/)],
    ['409 for a product already retired', retire('insurerA', () => w.retiredProductId), conflict(/is retired/)],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Programmes
// ---------------------------------------------------------------------------------------------

describe('POST /programmes', () => {
  const programme = (overrides: Record<string, unknown> = {}) => ({ name: 'Another programme', regionCode: COUNTY_A, productId: w.productId, ...overrides });
  const launch = (by: Who, body: () => unknown) => () => ({ by, path: '/programmes', body: body() });
  refusals([
    ['400 for a five-digit region code', launch('govA', () => programme({ regionCode: '44030' })), invalid('regionCode', 'matches')],
    ['400 for a product id that is not a UUID', launch('govA', () => programme({ productId: 'accident-cover' })), invalid('productId', 'isUuid')],
    ['400 for an empty name', launch('govA', () => programme({ name: '' })), invalid('name', 'isNotEmpty')],
    ['400 for a blank name', launch('govA', () => programme({ name: '   ' })), invalid('name', /must be 1 to 200 characters/)],
    ...wrongRoles(['government', 'admin'], () => ({ path: '/programmes', body: programme() })),
    ['403 for a government launching in another county', launch('govB', () => programme()), forbidden(/region 440305 is outside region 440306/)],
    ['403 for a government launching for a region wider than its own', launch('govA', () => programme({ regionCode: '4403' })), forbidden(/region 4403 is outside region 440305/)],
    ['404 for an unknown product', launch('govA', () => programme({ productId: unknownId() })), notFound(/product [0-9a-f-]{36} not found/)],
    ['409 for a retired product', launch('govA', () => programme({ productId: w.retiredProductId })), conflict(/is retired and takes no new policies/)],
  ]);
});

describe('POST /programmes/:id/close', () => {
  const close = (by: Who, id: () => string, body: unknown = { reason: 'budget spent' }) => () => ({ by, path: paths.close(id()), body });
  refusals([
    ['400 without a reason', close('govA', () => w.programmeId, {}), invalid('reason', 'isNotEmpty')],
    ['400 for a blank reason', close('govA', () => w.programmeId, { reason: ' ' }), invalid('reason', 'must not be empty')],
    malformedId('programmeId', close('govA', () => 'nanshan-2026')),
    ...wrongRoles(['government', 'admin'], () => ({ path: paths.close(w.programmeId), body: { reason: 'budget spent' } })),
    ['403 for the government of another county', close('govB', () => w.programmeId), forbidden(/outside region 440306/)],
    ["403 for a town government closing its county's programme", close('govTownA2', () => w.programmeId), forbidden(/outside region 440305002/)],
    ['404 for an unknown programme', close('govA', unknownId), notFound(/programme [0-9a-f-]{36} not found/)],
    ['409 for a programme already closed', close('govA', () => w.closedProgrammeId), conflict(/is already closed/)],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Gifts
// ---------------------------------------------------------------------------------------------

describe('POST /gifts', () => {
  const pledge = (body: () => unknown, by: Who = 'donorA') => () => ({ by, path: '/gifts', body: body() });
  refusals([
    ['400 for an amount in fractions of a fen', pledge(() => giftToHousehold(w.eligibleHousehold, w.productId, cny(12.5))), invalid('amount.amount', 'isInt')],
    ['400 for a zero amount', pledge(() => giftToHousehold(w.eligibleHousehold, w.productId, cny(0))), invalid('amount.amount', 'isPositive')],
    ['400 for an unknown target kind', pledge(() => ({ ...giftToProgramme(w.programmeId), target: { kind: 'friend', programmeId: w.programmeId } })), invalid('target.kind', 'isIn')],
    ['400 for a household target without a product', pledge(() => ({ ...giftToHousehold(w.eligibleHousehold), target: { kind: 'household', householdId: w.eligibleHousehold } })), invalid('target.productId', 'isUuid')],
    ['400 for an unknown remainder choice', pledge(() => ({ ...giftToProgramme(w.programmeId), remainder: 'keep' })), invalid('remainder', 'isIn')],
    ['400 without a target', pledge(() => ({ amount: cny(PREMIUM), remainder: 'hold' })), invalid('target', 'isObject')],
    ['400 without an amount', pledge(() => ({ ...giftToProgramme(w.programmeId), amount: undefined })), invalid('amount', 'isObject')],
    ['400 for an amount given as a bare number', pledge(() => ({ ...giftToProgramme(w.programmeId), amount: PREMIUM })), invalid('amount', 'isObject')],
    ["400 for a currency other than the product's", pledge(() => giftToHousehold(w.eligibleHousehold, w.productId, { amount: PREMIUM, currency: 'USD' })), invalid('amount.currency', /must be CNY/)],
    ...wrongRoles(['donor'], () => ({ path: '/gifts', body: giftToProgramme(w.programmeId) })),
    ['404 for an unknown household', pledge(() => giftToHousehold(unknownId())), notFound(/household [0-9a-f-]{36} not found/)],
    ['404 for an unknown programme', pledge(() => giftToProgramme(unknownId())), notFound(/programme [0-9a-f-]{36} not found/)],
    ['404 for an unknown product', pledge(() => giftToHousehold(w.eligibleHousehold, unknownId())), notFound(/product [0-9a-f-]{36} not found/)],
    ['409 for a household not verified as eligible', pledge(() => giftToHousehold(w.unverifiedHousehold)), conflict(/is not verified as eligible/)],
    ['409 for a closed programme', pledge(() => giftToProgramme(w.closedProgrammeId)), conflict(/programme Nanshan cover 2025 is closed/)],
    ['409 for a retired product', pledge(() => giftToHousehold(w.eligibleHousehold, w.retiredProductId)), conflict(/is retired and takes no new policies/)],
    ['409 for a programme whose product is retired', pledge(() => giftToProgramme(w.retiredProductProgrammeId)), conflict(/is retired and takes no new policies/)],
  ]);
});

describe('POST /gifts/:id/payment', () => {
  const payment = (paymentReference: string, amount: unknown = cny(PREMIUM)) => ({ paymentReference, amount });
  const pay = (by: Who, id: () => string, body: unknown = payment('PAY-G2')) => () => ({ by, path: paths.pay(id()), body });
  refusals([
    ['400 without a payment reference', pay('donorA', () => w.unpaidGift, payment('')), invalid('paymentReference', 'isNotEmpty')],
    ['400 for a payment reference over 100 characters', pay('donorA', () => w.unpaidGift, payment('R'.repeat(101))), invalid('paymentReference', 'maxLength')],
    ['400 for a blank payment reference', pay('donorA', () => w.unpaidGift, payment('   ')), invalid('paymentReference', 'must not be empty')],
    ['400 for a negative amount', pay('donorA', () => w.unpaidGift, payment('PAY-G2', cny(-PREMIUM))), invalid('amount.amount', 'isPositive')],
    ['400 without an amount', pay('donorA', () => w.unpaidGift, { paymentReference: 'PAY-G2' }), invalid('amount', 'isObject')],
    malformedId('giftId', pay('donorA', () => 'gift-2')),
    ...wrongRoles(['donor', 'admin'], () => ({ path: paths.pay(w.unpaidGift), body: payment('PAY-G2') })),
    ['404 for an unknown gift', pay('donorA', unknownId), notFound(/gift [0-9a-f-]{36} not found/)],
    ['404 for an unknown gift, even for an admin', pay('admin', unknownId), notFound(/gift [0-9a-f-]{36} not found/)],
    ["404 for another donor's gift (its existence is the donor's business)", pay('donorB', () => w.unpaidGift), notFound(/gift [0-9a-f-]{36} not found/)],
    ['409 for a second payment, under another reference, of a paid gift', pay('donorA', () => w.paidGift, payment('PAY-G1-AGAIN')), conflict(/already paid by payment PAY-G1; payment PAY-G1-AGAIN is a second payment/)],
    ['409 for a payment reference already used on another gift', pay('donorA', () => w.unpaidGift, payment('PAY-G1')), conflict(/payment reference PAY-G1 was already used to pay another gift/)],
    ['409 for an amount other than the pledge', pay('donorA', () => w.unpaidGift, payment('PAY-G2', cny(PREMIUM - 1))), conflict(/payment of 2999 CNY minor units does not match the pledged 3000 CNY minor units/)],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

describe('POST /policies/:id/issue', () => {
  const issue = (by: Who, id: () => string, body: unknown = issueBody) => () => ({ by, path: paths.issue(id()), body });
  refusals([
    ['400 for a start date not in YYYY-MM-DD form', issue('insurerA', () => w.activePolicy, { ...issueBody, startDate: '01/12/2026' }), invalid('startDate', 'isCalendarDate')],
    ['400 for a start date that is not a calendar date', issue('insurerA', () => w.activePolicy, { ...issueBody, startDate: '2026-02-30' }), invalid('startDate', 'isCalendarDate')],
    ['400 without a policy number', issue('insurerA', () => w.activePolicy, { startDate: POLICY_START }), invalid('policyNumber', 'isNotEmpty')],
    malformedId('policyId', issue('insurerA', () => 'ANX-2026-0001')),
    ...wrongRoles(['insurer'], () => ({ path: paths.issue(w.activePolicy), body: issueBody })),
    ['404 for an unknown policy', issue('insurerA', unknownId), notFound(/policy [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy (it does not exist for them)", issue('insurerB', () => w.activePolicy), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for a policy already issued', issue('insurerA', () => w.activePolicy), conflict(/is active; only a requested policy can be issued/)],
    ['409 for a cancelled policy', issue('insurerA', () => w.cancelledPolicy), conflict(/is cancelled; only a requested policy can be issued/)],
  ]);
});

describe('POST /policies/:id/cancel', () => {
  const cancel = (by: Who, id: () => string, body: unknown = cancelBody) => () => ({ by, path: paths.cancel(id()), body });
  refusals([
    ['400 without a reason', cancel('insurerA', () => w.activePolicy, { effectiveDate: '2026-07-01' }), invalid('reason', 'isNotEmpty')],
    ['400 for an effective date not in YYYY-MM-DD form', cancel('insurerA', () => w.activePolicy, { ...cancelBody, effectiveDate: 'tomorrow' }), invalid('effectiveDate', 'isCalendarDate')],
    ['400 for an effective date that is not a calendar date', cancel('insurerA', () => w.activePolicy, { ...cancelBody, effectiveDate: '2026-13-01' }), invalid('effectiveDate', 'isCalendarDate')],
    malformedId('policyId', cancel('insurerA', () => 'p1')),
    ...wrongRoles(['insurer', 'admin'], () => ({ path: paths.cancel(w.activePolicy), body: cancelBody })),
    ['404 for an unknown policy', cancel('insurerA', unknownId), notFound(/policy [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy", cancel('insurerB', () => w.activePolicy), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for a policy already cancelled', cancel('insurerA', () => w.cancelledPolicy), conflict(/is already cancelled/)],
    ['409 for an effective date after the policy period', cancel('insurerA', () => w.activePolicy, { ...cancelBody, effectiveDate: '2027-06-01' }), conflict(/effective date 2027-06-01 is outside the policy period 2026-01-01 to 2026-12-31/)],
  ]);
});

describe('POST /policies/:id/expire', () => {
  const expire = (by: Who, id: () => string, body: unknown = {}) => () => ({ by, path: paths.expire(id()), body });
  refusals([
    malformedId('policyId', expire('insurerA', () => 'p1')),
    ...wrongRoles(['insurer', 'admin'], () => ({ path: paths.expire(w.activePolicy), body: {} })),
    ['404 for an unknown policy', expire('admin', unknownId), notFound(/policy [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy", expire('insurerB', () => w.activePolicy), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for a policy still inside its period by the server\'s clock', expire('insurerA', () => w.activePolicy), conflict(/covers until 2026-12-31 inclusive, so it cannot expire on 2026-06-15/)],
    // The caller's idea of the date is not asked for and changes nothing: cover runs to its end.
    ['409 for a policy inside its period, whatever date the caller sends', expire('insurerA', () => w.activePolicy, { today: '2099-01-01' }), conflict(/cannot expire on 2026-06-15/)],
    ['409 for a policy inside its period, even for the admin', expire('admin', () => w.activePolicy, { today: '2099-01-01' }), conflict(/cannot expire on 2026-06-15/)],
    ['409 for a cancelled policy', expire('admin', () => w.cancelledPolicy), conflict(/is cancelled; only an active policy can expire/)],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------

describe('POST /policies/:id/claims', () => {
  const file = (by: Who, id: () => string, body: unknown = claimBody()) => () => ({ by, path: paths.claims(id()), body });
  const onP1 = () => w.activePolicy;
  refusals([
    ['400 for an incident date not in YYYY-MM-DD form', file('insurerA', onP1, claimBody({ incidentDate: '1 June 2026' })), invalid('incidentDate', 'isCalendarDate')],
    ['400 for an incident date that is not a calendar date', file('insurerA', onP1, claimBody({ incidentDate: '2026-06-31' })), invalid('incidentDate', 'isCalendarDate')],
    ['400 for an unknown claim kind', file('insurerA', onP1, claimBody({ kind: 'boredom' })), invalid('kind', 'isIn')],
    ['400 for an amount in fractions of a fen', file('insurerA', onP1, claimBody({ amountClaimed: cny(10.5) })), invalid('amountClaimed.amount', 'isInt')],
    ['400 without an amount claimed', file('insurerA', onP1, claimBody({ amountClaimed: undefined })), invalid('amountClaimed', 'isObject')],
    ['400 for evidence that is not a list', file('insurerA', onP1, claimBody({ evidence: 'invoice.pdf' })), invalid('evidence', 'isArray')],
    ['400 for a blank evidence item, naming it by index', file('insurerA', onP1, claimBody({ evidence: ['invoice.pdf', ' '] })), invalid('evidence[1]', 'must not be empty')],
    ["400 for a currency other than the policy's", file('insurerA', onP1, claimBody({ amountClaimed: { amount: 1_000, currency: 'USD' } })), invalid('amountClaimed.currency', /must be the policy currency CNY/)],
    malformedId('policyId', file('insurerA', () => 'ANX-2026-0001')),
    ...wrongRoles(['insurer', 'government'], () => ({ path: paths.claims(w.activePolicy), body: claimBody() })),
    ['404 for an unknown policy', file('insurerA', unknownId), notFound(/policy [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy", file('insurerB', onP1), notFound(/policy [0-9a-f-]{36} not found/)],
    // By design a policy outside the caller's scope does not exist for them: 404, not 403, so
    // that a government cannot learn which households elsewhere are insured.
    ['404 for the government of another county', file('govB', onP1), notFound(/policy [0-9a-f-]{36} not found/)],
    ["404 for the government of another town of the household's county", file('govTownA2', onP1), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for an incident inside the waiting period', file('insurerA', onP1, claimBody({ incidentDate: '2026-01-15' })), conflict(/incident date 2026-01-15 is inside the waiting period, which ends on 2026-01-30/, 'claim.incident-in-waiting-period', { incidentDate: '2026-01-15', waitingEnds: '2026-01-30' })],
    ['409 for an incident before the policy period', file('govA', onP1, claimBody({ incidentDate: '2025-12-31' })), conflict(/incident date 2025-12-31 is outside the policy period 2026-01-01 to 2026-12-31/)],
    // Inside the policy period, but after today by the server's clock: it has not happened.
    ['400 for an incident that has not happened yet', file('insurerA', onP1, claimBody({ incidentDate: '2026-06-16' })), invalid('incidentDate', 'must not be after today (2026-06-15)')],
    ['409 for more than the remaining cover', file('insurerA', onP1, claimBody({ amountClaimed: cny(40_001) })), conflict(/amount claimed 40001 exceeds the remaining cover of 40000 CNY minor units/, 'claim.amount-exceeds-cover', { claimed: { amountMinor: 40_001, currency: 'CNY' }, remaining: { amountMinor: 40_000, currency: 'CNY' } })],
    ['409 for a cancelled policy', file('insurerA', () => w.cancelledPolicy), conflict(/is cancelled; claims can only be filed on an active or expired policy/)],
  ]);
});

describe('POST /policies/:pid/claims/:cid/approve', () => {
  const approve = (by: Who, claimId: () => string, body: unknown = {}, policyId = () => w.activePolicy) => () => ({ by, path: paths.claim(policyId(), claimId(), 'approve'), body });
  refusals([
    ['400 for an approved amount in fractions of a fen', approve('insurerA', () => w.filedClaim, { approvedAmount: cny(1.5) }), invalid('approvedAmount.amount', 'isInt')],
    ['400 for an approved amount above the amount claimed', approve('insurerA', () => w.filedClaim, { approvedAmount: cny(1_001) }), invalid('approvedAmount.amount', /must not exceed the amount claimed \(1000\)/)],
    ["400 for a currency other than the policy's", approve('insurerA', () => w.filedClaim, { approvedAmount: { amount: 500, currency: 'USD' } }), invalid('approvedAmount.currency', /policy currency CNY/)],
    ['400 for an approved amount of null (leaving it out means in full; null is not read as that)', approve('insurerA', () => w.filedClaim, { approvedAmount: null }), invalid('approvedAmount', 'isObject')],
    ['400 for a body of null (it is not read as {}, an approval in full)', approve('insurerA', () => w.filedClaim, null), invalid('body', 'isObject')],
    malformedId('claimId', approve('insurerA', () => 'claim-1')),
    malformedId('policyId', approve('insurerA', () => w.filedClaim, {}, () => 'policy-1')),
    ...wrongRoles(['insurer'], () => ({ path: paths.claim(w.activePolicy, w.filedClaim, 'approve'), body: {} })),
    ['404 for an unknown claim', approve('insurerA', unknownId), notFound(/claim [0-9a-f-]{36} not found/)],
    ['404 for a claim of another policy', approve('insurerA', () => w.filedClaim, {}, () => w.cancelledPolicy), notFound(/claim [0-9a-f-]{36} not found/)],
    ['404 for an unknown policy', approve('insurerA', () => w.filedClaim, {}, unknownId), notFound(/policy [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy", approve('insurerB', () => w.filedClaim), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for a claim already rejected', approve('insurerA', () => w.rejectedClaim), conflict(/is already rejected/)],
    ['409 for a claim already paid', approve('insurerA', () => w.paidClaim), conflict(/is already paid/)],
    ['409 for an approval beyond the remaining cover', approve('insurerA', () => w.bigClaim), conflict(/approving 60000 would go beyond remaining cover of 40000 CNY minor units/, 'claim.approval-exceeds-cover', { approved: { amountMinor: 60_000, currency: 'CNY' }, remaining: { amountMinor: 40_000, currency: 'CNY' } })],
  ]);
});

describe('POST /policies/:pid/claims/:cid/reject', () => {
  const reject = (by: Who, claimId: () => string, body: unknown = { reason: 'no evidence of illness' }) => () => ({ by, path: paths.claim(w.activePolicy, claimId(), 'reject'), body });
  refusals([
    ['400 without a reason', reject('insurerA', () => w.filedClaim, {}), invalid('reason', 'isNotEmpty')],
    ['400 for a blank reason', reject('insurerA', () => w.filedClaim, { reason: '\t' }), invalid('reason', 'must not be empty')],
    malformedId('claimId', reject('insurerA', () => 'claim-1')),
    ...wrongRoles(['insurer'], () => ({ path: paths.claim(w.activePolicy, w.filedClaim, 'reject'), body: { reason: 'no evidence' } })),
    ['404 for an unknown claim', reject('insurerA', unknownId), notFound(/claim [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy", reject('insurerB', () => w.filedClaim), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for a claim already rejected', reject('insurerA', () => w.rejectedClaim), conflict(/is already rejected/)],
    ['409 for a claim already paid', reject('insurerA', () => w.paidClaim), conflict(/is already paid/)],
  ]);
});

describe('POST /policies/:pid/claims/:cid/payment', () => {
  const pay = (by: Who, claimId: () => string, body: unknown = { payoutReference: 'PAYOUT-2' }) => () => ({ by, path: paths.claim(w.activePolicy, claimId(), 'payment'), body });
  refusals([
    ['400 without a payout reference', pay('insurerA', () => w.filedClaim, {}), invalid('payoutReference', 'isNotEmpty')],
    ['400 for a payout reference over 100 characters', pay('insurerA', () => w.filedClaim, { payoutReference: 'P'.repeat(101) }), invalid('payoutReference', 'maxLength')],
    ['400 for a blank payout reference', pay('insurerA', () => w.filedClaim, { payoutReference: '  ' }), invalid('payoutReference', 'must not be empty')],
    malformedId('claimId', pay('insurerA', () => 'claim-1')),
    ...wrongRoles(['insurer'], () => ({ path: paths.claim(w.activePolicy, w.filedClaim, 'payment'), body: { payoutReference: 'PAYOUT-2' } })),
    ['404 for an unknown claim', pay('insurerA', unknownId), notFound(/claim [0-9a-f-]{36} not found/)],
    ["404 for another insurer's policy", pay('insurerB', () => w.paidClaim), notFound(/policy [0-9a-f-]{36} not found/)],
    ['409 for a claim not yet approved', pay('insurerA', () => w.filedClaim), conflict(/is filed; only an approved claim can be paid/)],
    ['409 for a rejected claim', pay('insurerA', () => w.rejectedClaim), conflict(/is rejected; only an approved claim can be paid/)],
    ['409 for a second payout, under another reference, of a paid claim', pay('insurerA', () => w.paidClaim), conflict(/is already paid by payout PAYOUT-1/)],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

describe('POST /users', () => {
  let sequence = 0;
  /** A valid new account; after the refusal, its credentials must not sign in. */
  const create = (by: Who, overrides: Record<string, unknown> = {}) => () => {
    sequence += 1;
    const account = { username: `new.user.${sequence}`, password: 'a-long-password', displayName: 'New user', role: 'donor', ...overrides };
    return { by, path: '/users', body: account, unchanged: () => cannotSignIn(account.username as string, account.password as string) };
  };
  const cannotSignIn = async (username: string, password: string) => {
    if (typeof username !== 'string' || typeof password !== 'string') return;
    expect((await platform.api.post('/auth/login', { username, password })).status).toBe(401);
  };
  refusals([
    ['400 for a password under 10 characters', create('admin', { password: 'short' }), invalid('password', 'minLength')],
    ['400 for an unknown role', create('admin', { role: 'root' }), invalid('role', 'isIn')],
    ['400 for a username with spaces and capitals', create('admin', { username: 'New User' }), invalid('username', 'matches')],
    ['400 for an insurer without an insurer id', create('admin', { role: 'insurer' }), invalid('insurerId', 'isString')],
    ['400 for a government with a region code that is not a division code', create('admin', { role: 'government', regionCode: '4403051' }), invalid('regionCode', 'matches')],
    ['400 for an unknown field', create('admin', { isSuperuser: true }), invalid('isSuperuser', 'whitelistValidation')],
    ...(['donor', 'insurer', 'government', 'auditor'] as const).map((role): Case => [`403 for a signed-in ${role}`, create(REPRESENTATIVE[role]), forbidden(new RegExp(`this action is for admin; you are signed in as ${role}`))]),
    [
      '409 for a username that is taken (the existing account keeps its password)',
      () => ({
        by: 'admin',
        path: '/users',
        body: { username: 'donora', password: 'a-new-password', displayName: 'Impostor', role: 'admin' },
        unchanged: async () => {
          await cannotSignIn('donora', 'a-new-password');
          expect((await platform.api.login('donora', 'donora-password').then((api) => api.get('/auth/me'))).body).toMatchObject({ username: 'donora', role: 'donor' });
        },
      }),
      conflict(/username donora is taken/),
    ],
  ]);
});

describe('POST /auth/login', () => {
  const login = (body: unknown) => () => ({ by: 'anonymous' as const, path: '/auth/login', body });
  refusals([
    ['400 without a username', login({ password: ADMIN.password }), invalid('username', 'isNotEmpty')],
    ['400 for a password that is not a string', login({ username: ADMIN.username, password: 1234567890 }), invalid('password', 'isString')],
    ['400 for an unknown field', login({ ...ADMIN, rememberMe: true }), invalid('rememberMe', 'whitelistValidation')],
    ['401 for a wrong password', login({ username: ADMIN.username, password: 'not-the-password' }), unauthenticated(/unknown username or wrong password/)],
    ['401 for an unknown username, with the same answer (no account enumeration)', login({ username: 'nobody', password: 'not-the-password' }), unauthenticated(/unknown username or wrong password/)],
  ]);
});
