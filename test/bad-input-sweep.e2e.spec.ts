/**
 * Every operation of the platform's own OpenAPI document, fed bad input generated from that
 * document: missing, extra and wrong-typed fields, boundary numbers, bad dates, bad Unicode, NUL,
 * over-long strings, deep nesting, bodies over the size limit, bodies that are not objects, wrong
 * content types, and bad path and query values. Each is sent with a token of a role the operation
 * allows (`x-pangolin-roles`), to real ids where the path needs one, so it gets past the guard and
 * as far into the platform as the input lets it.
 *
 * The platform must answer every one in under a second, never with a 5xx, and a refused request
 * writes nothing (the event store's head and the number of logins stay where they were). Afterwards
 * a normal gift still settles and shows in the views. On both store configurations.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ERROR_CODES } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';
import { UserAccount } from '@pangolin/records';
import { EVENT_STORE, RECORDS_DB } from '@pangolin/runtime';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { householdBody, productTerms } from './support/actors';
import { ADMIN, ApiClient, cny, RunningPlatform, startPlatform, STORE_CONFIGURATIONS } from './support/platform';

jest.setTimeout(180_000);

type Schema = Record<string, any>;
type Json = unknown;

const DEMO_PASSWORD = 'pangolin-demo';
const DEMO_LOGINS = { government: 'gov.nanshan', insurer: 'insurer.anxin', donor: 'donor.wang', auditor: 'auditor' } as const;
const SLOWEST_ANSWER_MS = 1_000;
const BODY_LIMIT_BYTES = 1_048_576;

/** One generated request. `body` is sent as given: a string is the raw body, anything else is JSON. */
interface Probe {
  what: string;
  method: string;
  path: string;
  body?: Json;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Values: a valid one for each schema, and the bad ones to put in its place
// ---------------------------------------------------------------------------------------------

const today = () => new Date().toISOString().slice(0, 10);

/** Fields whose pattern the generator cannot invent a value for. */
const SAMPLE_BY_FIELD: Record<string, Json> = { username: 'sweep.user', password: 'sweep-password-1', insurerId: 'anxin-mutual', regionCode: '440305', from: '1', to: '1' };

function resolve(document: Schema, schema: Schema): Schema {
  if (schema.$ref) return resolve(document, document.components.schemas[schema.$ref.split('/').pop()]);
  if (schema.allOf?.length === 1) return { ...schema, ...resolve(document, schema.allOf[0]), allOf: undefined };
  return schema;
}

/** A value the schema accepts, preferring the document's own examples and the world's real ids. */
function validValue(document: Schema, schema: Schema, field: string, ids: Record<string, string>): Json {
  const s = resolve(document, schema);
  if (s.type === 'object' || s.properties) {
    return Object.fromEntries(Object.entries<Schema>(s.properties ?? {}).map(([name, property]) => [name, validValue(document, property, name, ids)]));
  }
  if (ids[field] !== undefined) return ids[field];
  if (s.example !== undefined) return s.example;
  if (SAMPLE_BY_FIELD[field] !== undefined) return SAMPLE_BY_FIELD[field];
  if (s.enum) return s.enum[0];
  if (s.type === 'array') return [validValue(document, s.items, field, ids)];
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.format === 'uuid') return randomUUID();
  if (s.format === 'date') return today();
  return 'sweep';
}

/** Bad values for one field, by its schema: wrong types, boundaries, bad text, bad dates. */
function badValues(document: Schema, schema: Schema): [string, Json][] {
  const s = resolve(document, schema);
  const wrongTypes: [string, Json][] = [['null', null], ['an object', { nested: true }], ['an array', [1]], ['true', true]];
  if (s.type === 'integer' || s.type === 'number') {
    return [
      ...wrongTypes,
      ['a numeric string', '1'],
      ['"NaN"', 'NaN'],
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['2^53', 2 ** 53],
      ['1e308', 1e308],
      ['one above the maximum', (s.maximum ?? 2 ** 53) + 1],
    ];
  }
  if (s.type === 'array') return [...wrongTypes.slice(0, 2), ['a string', 'x'], ['one item too many', Array.from({ length: (s.maxItems ?? 1000) + 1 }, () => 'x')]];
  if (s.type === 'object' || s.properties) return [...wrongTypes.slice(0, 1), ['an array', []], ['a string', 'x'], ['a number', 42]];
  return [
    ...wrongTypes,
    ['a number', 42],
    ['the empty string', ''],
    ['a lone surrogate', 'ab\ud800cd'],
    ['a lone low surrogate', '\udc00'],
    ['NUL', 'a\u0000b'],
    ['an escape character', 'a\u001bb'],
    ['a line feed', 'a\nb'],
    ['one character too many', 'x'.repeat((s.maxLength ?? 10_000) + 1)],
    ['the 13th month', '2026-13-01'],
    ['the 30th of February', '2026-02-30'],
    ['a date with junk after it', '2026-01-01junk'],
  ];
}

/** Every field of a body schema, as a path of property names, with its schema and whether it is required. */
function fieldsOf(document: Schema, schema: Schema, path: string[] = []): { path: string[]; schema: Schema; required: boolean }[] {
  const s = resolve(document, schema);
  return Object.entries<Schema>(s.properties ?? {}).flatMap(([name, property]) => {
    const field = { path: [...path, name], schema: property, required: (s.required ?? []).includes(name) };
    const nested = resolve(document, property);
    return nested.properties ? [field, ...fieldsOf(document, nested, field.path)] : [field];
  });
}

function withField(body: Json, path: string[], value: Json | typeof OMIT): Json {
  const copy = structuredClone(body) as Record<string, any>;
  let holder = copy;
  for (const name of path.slice(0, -1)) holder = holder[name];
  if (value === OMIT) delete holder[path[path.length - 1]];
  else holder[path[path.length - 1]] = value;
  return copy;
}
const OMIT = Symbol('omit');

const deeplyNested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** Raw path and query segments, percent-encoded by hand: fetch cannot encode a lone surrogate. */
const BAD_PARAMETER_VALUES: [string, string][] = [
  ['not a UUID', 'not-a-uuid'],
  ['NUL', 'a%00b'],
  ['an encoded lone surrogate', '%ED%A0%80'],
  ['broken percent-encoding', '%E4%B8'],
  ['-1', '-1'],
  ['2^63', '9223372036854775808'],
  ['2^64 and more', '99999999999999999999999'],
  ['1e308', '1e308'],
  ['NaN', 'NaN'],
  ['the 13th month', '2026-13-01'],
  ['the 30th of February', '2026-02-30'],
  ['a very long value', 'x'.repeat(4_000)],
];

/** Header values fetch will send (it refuses NUL and characters beyond Latin-1 itself). */
const BAD_HEADER_VALUES: [string, string][] = [
  ['empty', ''],
  ['an unpaired quote', '"abc'],
  ['a Latin-1 character', 'caf\u00e9'],
  ['a very long value', 'x'.repeat(4_000)],
];

// ---------------------------------------------------------------------------------------------
// Generating the probes of every operation
// ---------------------------------------------------------------------------------------------

function probesFor(document: Schema, method: string, template: string, operation: Schema, ids: Record<string, string>): Probe[] {
  const parameters: Schema[] = operation.parameters ?? [];
  const validParameter = (parameter: Schema) => encodeURIComponent(String(validValue(document, parameter.schema ?? {}, parameter.name, ids)));
  const pathWith = (override: Record<string, string> = {}) => template.replace(/\{(\w+)\}/g, (_, name) => override[name] ?? validParameter(parameters.find((p) => p.name === name) as Schema));
  const query = (override: Record<string, string> = {}) => {
    const pairs = parameters.filter((p) => p.in === 'query' && (p.required || p.name in override)).map((p) => `${p.name}=${override[p.name] ?? validParameter(p)}`);
    return pairs.length ? `?${pairs.join('&')}` : '';
  };
  const name = `${method.toUpperCase()} ${template}`;
  const bodySchema: Schema | undefined = operation.requestBody?.content?.['application/json']?.schema;
  const validBody = bodySchema ? validValue(document, bodySchema, '', ids) : {};
  const probes: Probe[] = [];
  const send = (what: string, path: string, body?: Partial<Probe>) => probes.push({ what: `${name}: ${what}`, method: method.toUpperCase(), path, body: method === 'post' ? validBody : undefined, ...body });

  for (const parameter of parameters) {
    if (parameter.in === 'header') {
      for (const [label, value] of BAD_HEADER_VALUES) send(`header ${parameter.name} ${label}`, pathWith() + query(), { headers: { [parameter.name]: value } });
      continue;
    }
    for (const [label, raw] of BAD_PARAMETER_VALUES) {
      const override = { [parameter.name]: raw };
      send(`${parameter.in} ${parameter.name} ${label}`, parameter.in === 'path' ? pathWith(override) + query() : pathWith() + query(override));
    }
    if (parameter.in === 'query') send(`query ${parameter.name} given twice`, `${pathWith()}?${parameter.name}=1&${parameter.name}=2`);
  }
  const path = pathWith() + query();
  if (method !== 'post') return probes;

  send('no body at all', path, { body: undefined });
  send('body null', path, { body: null });
  send('body an array', path, { body: [] });
  send('body a string', path, { body: 'text' });
  send('body a number', path, { body: 42 });
  send('malformed JSON', path, { rawBody: '{"a": ' });
  send('a __proto__ key', path, { rawBody: '{"__proto__": {"isAdmin": true}}' });
  send('100,000 levels of nesting', path, { rawBody: deeplyNested(100_000) });
  send('33 levels of nesting', path, { rawBody: deeplyNested(33) });
  send('a body over the size limit', path, { rawBody: JSON.stringify({ padding: 'x'.repeat(BODY_LIMIT_BYTES) }) });
  send('text/plain', path, { rawBody: JSON.stringify(validBody), contentType: 'text/plain' });
  send('a form', path, { rawBody: 'a=1', contentType: 'application/x-www-form-urlencoded' });
  if (!bodySchema) return probes;
  send('an unknown field', path, { body: { ...(validBody as object), unexpected: 1 } });
  for (const field of fieldsOf(document, bodySchema)) {
    const named = field.path.join('.');
    if (field.required) send(`${named} missing`, path, { body: withField(validBody, field.path, OMIT) });
    for (const [label, value] of badValues(document, field.schema)) send(`${named} ${label}`, path, { body: withField(validBody, field.path, value) });
  }
  return probes;
}

// ---------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------

describe.each(STORE_CONFIGURATIONS)('bad input to every operation of the OpenAPI document, on %s', (_, storeEnvironment) => {
  let platform: RunningPlatform;
  let document: Schema;
  const clients: Record<string, ApiClient> = {};
  /** Real ids for each path parameter name. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // The demo logins on both configurations (a server store seeds them only when told twice).
    platform = await startPlatform({ SEED_DEMO: 'true', ALLOW_DEMO_IN_SERVER_MODE: 'true', ...storeEnvironment() });
    const { api } = platform;
    clients.admin = await api.login(ADMIN.username, ADMIN.password).catch(() => api.login('admin', DEMO_PASSWORD));
    for (const [role, username] of Object.entries(DEMO_LOGINS)) clients[role] = await api.login(username, DEMO_PASSWORD);
    document = await api.read('/docs-json');

    // The commands run on things of the sweep's own (a product, a programme, a household with a policy
    // and a claim), so what a generated request that happens to be valid does (retire, close, erase,
    // cancel) leaves the demo's product and programme to the last test.
    // No waiting period, so a claim can be filed on the day the policy starts.
    const { productId } = await clients.insurer.ok('/products', productTerms({ waitingPeriodDays: 0 }));
    const { programmeId } = await clients.government.ok('/programmes', { name: 'Sweep programme', regionCode: '440305', productId });
    const { householdId } = await clients.government.ok('/households', householdBody('440305001001', 901));
    await clients.government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
    const premium = await clients.donor.ok('/gifts', { amount: cny(3_000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
    await clients.donor.ok(`/gifts/${premium.giftId}/payment`, { paymentReference: 'SWEEP-PREMIUM', amount: cny(3_000) });
    const policy = (await clients.insurer.list('/insurer/policies')).find((listed: { householdId: string }) => listed.householdId === householdId);
    await clients.insurer.ok(`/policies/${policy.policyId}/issue`, { policyNumber: 'SWEEP-0001', startDate: today() });
    const { claimId } = await clients.insurer.ok(`/policies/${policy.policyId}/claims`, { incidentDate: today(), kind: 'illness', amountClaimed: cny(1_000), evidence: ['invoice.pdf'] });
    // donor.wang's own gift, left unpaid.
    const { giftId } = await clients.donor.ok('/gifts', { amount: cny(1_000), target: { kind: 'programme', programmeId }, remainder: 'hold' });
    const { size } = await clients.auditor.ok('/transparency/checkpoints');
    const [firstEvent] = await platform.app.get<EventStore>(EVENT_STORE).readAll({ limit: 1 });
    Object.assign(ids, { householdId, productId, programmeId, giftId, policyId: policy.policyId, claimId, eventId: firstEvent.eventId, size });
  });
  afterAll(() => platform?.stop());

  /** What a refused request must not change. */
  async function writes() {
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const accounts = await platform.app.get<DataSource>(RECORDS_DB).getRepository(UserAccount).count();
    return { head: (await store.headPosition()).toString(), accounts };
  }

  async function send(probe: Probe, client: ApiClient | undefined) {
    const headers: Record<string, string> = { ...probe.headers, ...(client ? { authorization: `Bearer ${Reflect.get(client, 'token')}` } : {}) };
    const body = probe.rawBody ?? (probe.body === undefined ? undefined : JSON.stringify(probe.body));
    if (body !== undefined) headers['content-type'] = probe.contentType ?? 'application/json';
    const started = performance.now();
    const response = await fetch(`${platform.url}${probe.path}`, { method: probe.method, headers, body });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  }

  it('states the limits of every input it describes, and a token only where the server asks for one', async () => {
    const unlimited: string[] = [];
    const check = (where: string, schema: Schema) => {
      const s = resolve(document, schema);
      if (s.properties) return Object.entries<Schema>(s.properties).forEach(([name, property]) => check(`${where}.${name}`, property));
      if (s.type === 'string' && s.maxLength === undefined && !s.pattern && !s.enum && !['date', 'uuid'].includes(s.format)) unlimited.push(`${where}: string without maxLength, pattern, enum or format`);
      if ((s.type === 'integer' || s.type === 'number') && (s.minimum === undefined || s.maximum === undefined)) unlimited.push(`${where}: number without minimum and maximum`);
      if (s.type === 'array' && s.maxItems === undefined) unlimited.push(`${where}: array without maxItems`);
      if (s.type === 'array') check(`${where}[]`, s.items);
    };
    const securityMismatches: string[] = [];
    for (const [template, item] of Object.entries<Schema>(document.paths)) {
      for (const [method, operation] of Object.entries<Schema>(item)) {
        for (const parameter of operation.parameters ?? []) check(`${method} ${template} ${parameter.name}`, parameter.schema ?? {});
        const body = operation.requestBody?.content?.['application/json']?.schema;
        if (body) check(`${method} ${template} body`, body);
        const security: Schema[] = operation.security ?? [];
        const needsToken = security.length > 0 && !security.some((requirement) => Object.keys(requirement).length === 0);
        // Without a token, and with ids that exist: only the guard can answer 401.
        const path = template.replace(/\{(\w+)\}/g, (_, name) => ids[name] ?? randomUUID());
        const answer = await send({ what: template, method: method.toUpperCase(), path, body: method === 'post' ? {} : undefined }, undefined);
        if ((answer.status === 401) !== needsToken) securityMismatches.push(`${method} ${template}: the document says ${needsToken ? '' : 'no '}token needed, the server answered ${answer.status}`);
      }
    }
    expect(unlimited).toEqual([]);
    expect(securityMismatches).toEqual([]);
  });

  // Before the sweep, whose many logins may trip a login rate limit.
  it('refuses at the edge what used to be stored, crash or be read wrongly', async () => {
    const expectations: [Probe, number, { field: string; rule: string }?][] = [
      [{ what: 'lone surrogate in a payment reference', method: 'POST', path: `/gifts/${ids.giftId}/payment`, body: { paymentReference: 'PAY-\ud800', amount: cny(1_000) } }, 400, { field: 'paymentReference', rule: 'isWellFormedUnicode' }],
      [{ what: 'NUL in a username', method: 'POST', path: '/auth/login', body: { username: 'donor.wang\u0000', password: DEMO_PASSWORD } }, 400, { field: 'username', rule: 'hasNoControlCharacters' }],
      [{ what: 'NUL in a policy number', method: 'POST', path: `/policies/${ids.policyId}/issue`, body: { policyNumber: 'A\u0000', startDate: today() } }, 400, { field: 'policyNumber', rule: 'hasNoControlCharacters' }],
      [{ what: 'deep nesting in a login', method: 'POST', path: '/auth/login', rawBody: deeplyNested(100_000) }, 400, { field: 'body', rule: 'maxDepth' }],
      [{ what: 'a body of null for an approval', method: 'POST', path: `/policies/${ids.policyId}/claims/${ids.claimId}/approve`, body: null }, 400, { field: 'body', rule: 'isObject' }],
      [{ what: 'an amount over the per-amount cap', method: 'POST', path: '/gifts', body: { amount: cny(10_000_000_001), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder: 'hold' } }, 400, { field: 'amount.amount', rule: 'max' }],
      [{ what: 'the 13th month in a dashboard date', method: 'GET', path: '/insurer/dashboard?asOf=2026-13-01' }, 400, { field: 'asOf', rule: expect.stringMatching(/calendar date/) }],
      [{ what: 'the 30th of February in a dashboard date', method: 'GET', path: '/insurer/dashboard?asOf=2026-02-30' }, 400, { field: 'asOf', rule: expect.stringMatching(/calendar date/) }],
      [{ what: 'the 30th of February as a start date', method: 'POST', path: `/policies/${ids.policyId}/issue`, body: { policyNumber: 'SWEEP-2', startDate: '2026-02-30' } }, 400, { field: 'startDate', rule: 'isCalendarDate' }],
      [{ what: 'a checkpoint at 2^63', method: 'GET', path: '/transparency/checkpoints/9223372036854775808' }, 404],
      [{ what: 'an inclusion proof at a tree size of 2^64', method: 'GET', path: `/transparency/events/${ids.eventId}/inclusion-proof?treeSize=18446744073709551616` }, 404],
      [{ what: 'a consistency proof to 2^63', method: 'GET', path: '/transparency/consistency-proof?from=1&to=9223372036854775808' }, 400, { field: 'to', rule: expect.stringMatching(/larger than the log/) }],
      [{ what: 'checkpoints after 2^63', method: 'GET', path: '/transparency/checkpoints?after=9223372036854775808' }, 200],
      [{ what: 'the ledger of an unknown gift', method: 'GET', path: `/ledger/gifts/${randomUUID()}` }, 404],
      [{ what: 'the uncovered households of an unknown product', method: 'GET', path: `/households/uncovered?region=440305&productId=${randomUUID()}` }, 404],
      [{ what: 'a form instead of JSON', method: 'POST', path: '/auth/login', rawBody: 'username=admin', contentType: 'application/x-www-form-urlencoded' }, 415],
      [{ what: 'a body over the limit', method: 'POST', path: '/auth/login', rawBody: JSON.stringify({ username: 'x'.repeat(BODY_LIMIT_BYTES) }) }, 413],
    ];
    const roleFor = (probe: Probe) => (probe.path.startsWith('/gifts') ? clients.donor : probe.path.startsWith('/policies') || probe.path.startsWith('/insurer') ? clients.insurer : clients.auditor);
    for (const [probe, status, violation] of expectations) {
      const answer = await send(probe, roleFor(probe));
      expect({ what: probe.what, status: answer.status }).toEqual({ what: probe.what, status });
      expect(answer.ms).toBeLessThan(SLOWEST_ANSWER_MS);
      if (violation) expect(JSON.parse(answer.text).violations).toEqual(expect.arrayContaining([expect.objectContaining(violation)]));
    }
  });

  it('answers every generated bad request in under a second, never with a 5xx, and writes nothing when it refuses', async () => {
    const failures: string[] = [];
    let sent = 0;
    // Commands that end something (a cancel, an erasure) go last, so the others find their targets as they were.
    const ending = (template: string) => /\/(cancel|expire|erasure|revoke|close|retire)$/.test(template);
    const templates = Object.keys(document.paths).sort((a, b) => Number(ending(a)) - Number(ending(b)));
    for (const template of templates) {
      for (const [method, operation] of Object.entries<Schema>(document.paths[template])) {
        const roles: string[] = operation['x-pangolin-roles'] ?? ['admin'];
        const client = operation.security?.length ? clients[roles[0]] : undefined;
        for (const probe of probesFor(document, method, template, operation, ids)) {
          const before = await writes();
          const answer = await send(probe, client);
          sent += 1;
          const after = await writes();
          if (answer.status >= 500) failures.push(`${probe.what} -> ${answer.status} ${answer.text.slice(0, 200)}`);
          if (answer.ms > SLOWEST_ANSWER_MS) failures.push(`${probe.what} took ${Math.round(answer.ms)} ms`);
          if (answer.status >= 400 && answer.status < 500 && JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${probe.what} -> ${answer.status} but wrote: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
          if (answer.status === 400 && answer.text.startsWith('{')) {
            const body = JSON.parse(answer.text);
            if (!Array.isArray(body.violations) || !body.violations.every((v: Schema) => typeof v.field === 'string' && typeof v.rule === 'string')) failures.push(`${probe.what} -> 400 without violations: ${answer.text.slice(0, 200)}`);
            // Each with a code a client translates: one of the registry, and not its catch-all.
            else if (!body.violations.every((v: Schema) => ERROR_CODES.includes(v.code) && !/\.other$/.test(v.code))) failures.push(`${probe.what} -> 400 without a code: ${answer.text.slice(0, 300)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
  });

  it('still settles a normal gift afterwards, and the views show it', async () => {
    const { giftId } = await clients.donor.ok('/gifts', { amount: cny(2_500), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder: 'hold' });
    await clients.donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `SWEEP-PAY-${giftId}`, amount: cny(2_500) });
    expect(await clients.donor.read(`/gifts/${giftId}`)).toMatchObject({ giftId, received: cny(2_500) });
    expect((await clients.donor.list('/donor/gifts')).map((gift: { giftId: string }) => gift.giftId)).toContain(giftId);
    const ledger = await clients.auditor.list(`/ledger/gifts/${giftId}`);
    expect(ledger.length).toBeGreaterThan(0);
  });
});
