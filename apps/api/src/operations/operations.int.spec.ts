/**
 * Health probes and Prometheus metrics on the real platform (embedded stores, real HTTP): what an
 * orchestrator and a Prometheus server would see.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { PROJECTION_NAMES } from '@pangolin/read-models';
import { householdBody, productTerms, signUp } from '../../../../test/support/actors';
import { until } from '../../../../test/support/eventually';
import { cny, RunningPlatform, startPlatform } from '../../../../test/support/platform';
import { EVENT_STORE, EventPipeline, PipelinePositions, PROCESS_MANAGERS, READ_DB, streamCategory } from '@pangolin/runtime';

const PROJECTIONS = PROJECTION_NAMES;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (enough of the format for our own metrics). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const samplesOf = (samples: Sample[], name: string) => samples.filter((sample) => sample.name === name);

/** Metric values by one label, e.g. appended events by stream category. */
function byLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  return Object.fromEntries(samplesOf(samples, name).map((sample) => [sample.labels[label], sample.value]));
}

async function scrape(platform: RunningPlatform): Promise<{ contentType: string | null; samples: Sample[]; text: string }> {
  const response = await fetch(`${platform.url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { contentType: response.headers.get('content-type'), samples: parseExposition(text), text };
}

/** Waits (without a clock) until the projections and the process manager have dealt with the whole log. */
async function caughtUp(platform: RunningPlatform): Promise<bigint> {
  const head = await platform.app.get<EventStore>(EVENT_STORE).headPosition();
  expect(await platform.app.get(EventPipeline).settle(head)).toBe(true);
  // The process manager saves its checkpoint a moment after handling (at most every 25 ms, off the
  // answer's path): wait, within a deadline, until every saved checkpoint has reached the head.
  await until(`every saved checkpoint at ${head}`, () => platform.app.get(PipelinePositions).read(), (positions) => positions.every(({ checkpoint }) => checkpoint >= head), { deadlineMs: 5_000, intervalMs: 25 });
  return head;
}

describe('operations: health probes and metrics', () => {
  let platform: RunningPlatform;
  let store: EventStore;
  const ids = { householdId: '', productId: '', giftId: '' };
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    platform = await startPlatform();
    store = platform.app.get<EventStore>(EVENT_STORE);
    const { api } = platform;
    const government = await signUp(api, { username: 'gov.ops', role: 'government', regionCode: '440305' });
    const insurer = await signUp(api, { username: 'insurer.ops', role: 'insurer', insurerId: 'ops-mutual' });
    const donor = await signUp(api, { username: 'donor.ops', role: 'donor' });

    const registered = await government.post('/households', householdBody('440305001001', 1));
    statuses.register = registered.status;
    ids.householdId = registered.body.householdId;
    statuses.verify = (await government.post(`/households/${ids.householdId}/eligibility/verify`, { category: 'low-income' })).status;
    ids.productId = (await insurer.ok('/products', productTerms())).productId;
    ids.giftId = (await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId: ids.householdId, productId: ids.productId }, remainder: 'refund' })).giftId;
    statuses.payment = (await donor.post(`/gifts/${ids.giftId}/payment`, { paymentReference: 'PAY-OPS-1', amount: cny(3000) })).status;
    // Refusals are counted too, under their route: one the guard refuses, and a path no route matches.
    statuses.anonymous = (await api.post(`/gifts/${ids.giftId}/payment`, { paymentReference: 'PAY-OPS-2', amount: cny(3000) })).status;
    statuses.unknown = (await api.get(`/no-such-thing/${ids.giftId}`)).status;
  });
  afterAll(() => platform?.stop());

  it('answers liveness with 200', async () => {
    expect(await platform.api.get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('is ready once a command has settled, listing every projection and the process manager with nothing behind', async () => {
    const head = await caughtUp(platform);
    const response = await platform.api.get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ready', failed: [], checks: { eventStore: { ok: true, head: head.toString() }, readDb: { ok: true } } });
    const listed = response.body.checks.projections;
    expect(listed.map(({ name }: { name: string }) => name).sort()).toEqual([...PROJECTIONS, ...PROCESS_MANAGERS].sort());
    for (const entry of listed) expect(entry).toMatchObject({ checkpoint: head.toString(), behind: '0', ok: true });
    expect(listed.filter(({ kind }: { kind: string }) => kind === 'process-manager').map(({ name }: { name: string }) => name)).toEqual([...PROCESS_MANAGERS]);
    // GET /health is readiness, for tools that take a single URL.
    expect(await platform.api.get('/health')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('counts appended events by stream category, exactly as the log holds them', async () => {
    const head = await caughtUp(platform);
    const expected: Record<string, number> = {};
    for (const event of await store.readAll()) expected[streamCategory(event.streamId)] = (expected[streamCategory(event.streamId)] ?? 0) + 1;
    const { samples, contentType } = await scrape(platform);

    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const appended = byLabel(samples, 'pangolin_events_appended_total', 'stream_category');
    expect(appended).toEqual(expected);
    expect(Object.keys(appended)).toEqual(expect.arrayContaining(['household', 'product', 'gift', 'policy']));
    expect(Object.values(appended).reduce((sum, n) => sum + n, 0)).toBe(Number(head));
    expect(samplesOf(samples, 'pangolin_append_duration_seconds_count')[0].value).toBeGreaterThan(0);
    // Node's default process metrics are there too.
    expect(samplesOf(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
  });

  it('counts events projected and handled, and shows no lag once caught up', async () => {
    const head = Number(await caughtUp(platform));
    const { samples } = await scrape(platform);
    const projected = byLabel(samples, 'pangolin_events_projected_total', 'projection');
    expect(projected).toEqual(Object.fromEntries(PROJECTIONS.map((name) => [name, head])));
    expect(byLabel(samples, 'pangolin_process_manager_events_handled_total', 'process')).toEqual(Object.fromEntries(PROCESS_MANAGERS.map((name) => [name, head])));
    expect(byLabel(samples, 'pangolin_projection_lag_events', 'projection')).toEqual(Object.fromEntries(PROJECTIONS.map((name) => [name, 0])));
    expect(byLabel(samples, 'pangolin_process_manager_lag_events', 'process')).toEqual(Object.fromEntries(PROCESS_MANAGERS.map((name) => [name, 0])));
  });

  it('counts HTTP requests by route pattern, never by raw URL', async () => {
    const { samples, text } = await scrape(platform);
    const requests = samplesOf(samples, 'pangolin_http_requests_total');
    const count = (method: string, route: string, status: number) =>
      requests.find(({ labels }) => labels.method === method && labels.route === route && labels.status === String(status))?.value;

    expect(statuses).toEqual({ register: 201, verify: 200, payment: 200, anonymous: 401, unknown: 404 });
    expect(count('POST', '/households', 201)).toBe(1);
    expect(count('POST', '/households/:householdId/eligibility/verify', 200)).toBe(1);
    expect(count('POST', '/gifts/:giftId/payment', 200)).toBe(1);
    expect(count('POST', '/gifts/:giftId/payment', 401)).toBe(1);
    expect(count('POST', '/auth/login', 200)).toBeGreaterThanOrEqual(3);
    expect(count('GET', 'unmatched', 404)).toBe(1);
    const durations = samplesOf(samples, 'pangolin_http_request_duration_seconds_count').filter(({ labels }) => labels.route === '/gifts/:giftId/payment');
    expect(durations).toEqual([{ name: 'pangolin_http_request_duration_seconds_count', labels: { method: 'POST', route: '/gifts/:giftId/payment' }, value: 2 }]);
    for (const id of Object.values(ids)) expect(text).not.toContain(id);
  });
});

describe('operations: readiness when something is wrong', () => {
  it('answers 503 naming the read database when it is closed, while liveness stays 200', async () => {
    const platform = await startPlatform();
    try {
      await platform.app.get<DataSource>(READ_DB).destroy();
      const response = await platform.api.get('/health/ready');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: 'not-ready', checks: { eventStore: { ok: true }, readDb: { ok: false } } });
      expect(response.body.failed).toContain('readDb');
      expect((await platform.api.get('/health')).status).toBe(503);
      expect(await platform.api.get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      await platform.stop();
    }
  });

  it('answers 503 naming each projection further behind than READINESS_MAX_LAG, and counts an idempotent replay once', async () => {
    const platform = await startPlatform({ READINESS_MAX_LAG: '0' });
    try {
      const store = platform.app.get<EventStore>(EVENT_STORE);
      const pipeline = platform.app.get(EventPipeline);
      expect((await platform.api.get('/health/ready')).status).toBe(200);
      // Nothing consumes the log any more; an event appended now stays one behind everywhere.
      await pipeline.stopWorkers();
      const event = { eventId: randomUUID(), type: 'OperationsProbe', data: {}, metadata: { actor: 'system:test', correlationId: 'ops', causationId: 'ops', occurredAt: new Date().toISOString(), schemaVersion: 1 } };
      await store.append('opsprobe-1', 'no-stream', [event]);
      expect((await store.append('opsprobe-1', 'no-stream', [event])).alreadyStored).toBe(true);

      const response = await platform.api.get('/health/ready');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: 'not-ready', checks: { eventStore: { ok: true }, readDb: { ok: true } } });
      // Stopped, the workers run nowhere (embedded: no other process could hold their leases).
      const stoppedWorkers = ['projections', ...PROCESS_MANAGERS].map((name) => `workers.${name}`);
      expect(response.body.failed.sort()).toEqual([...[...PROJECTIONS, ...PROCESS_MANAGERS].map((name) => `projections.${name}`), ...stoppedWorkers].sort());
      for (const entry of response.body.checks.projections) expect(entry).toMatchObject({ behind: '1', ok: false });

      const { samples } = await scrape(platform);
      expect(byLabel(samples, 'pangolin_events_appended_total', 'stream_category')).toEqual({ opsprobe: 1 });
      expect(byLabel(samples, 'pangolin_projection_lag_events', 'projection')).toEqual(Object.fromEntries(PROJECTIONS.map((name) => [name, 1])));
      expect(byLabel(samples, 'pangolin_process_manager_lag_events', 'process')).toEqual(Object.fromEntries(PROCESS_MANAGERS.map((name) => [name, 1])));
    } finally {
      await platform.stop();
    }
  });
});
