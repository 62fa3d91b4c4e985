import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Clock } from '@pangolin/application';
import { generateSignerKey } from '@pangolin/transparency';
import { createPangolin, listen } from '../../apps/api/src/bootstrap';
import { loadConfiguration, PangolinConfig } from '@pangolin/runtime';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface RunningPlatform {
  app: NestFastifyApplication;
  config: PangolinConfig;
  url: string;
  api: ApiClient;
  dataDir: string;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export const TEST_POSTGRES_URL = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The checkpoint signing key server-mode platforms in tests share (server stores need one configured). */
export const TEST_SIGNING_KEY = generateSignerKey('pangolin.test/log');

/** The store configurations the end-to-end stories run on: embedded, and both stores on PostgreSQL (fresh schemas). */
export const STORE_CONFIGURATIONS: [string, () => Record<string, string>][] = [
  ['the embedded stores', () => ({})],
  [
    'PostgreSQL (EVENT_STORE=postgres READ_DB=postgres)',
    () => {
      const suffix = randomBytes(6).toString('hex');
      return {
        EVENT_STORE: 'postgres',
        EVENT_STORE_URL: TEST_POSTGRES_URL,
        EVENT_STORE_SCHEMA: `events_${suffix}`,
        READ_DB: 'postgres',
        READ_DB_URL: TEST_POSTGRES_URL,
        READ_DB_SCHEMA: `read_${suffix}`,
        TRANSPARENCY_SIGNING_KEY: TEST_SIGNING_KEY.signerKey,
      };
    },
  ],
];

/** Starts the real platform (by default on the embedded stores in a fresh temporary folder) on a free port. */
export async function startPlatform(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'pangolin-test-')),
  options: {
    /** the built web application to serve (default dist/web) */
    webRoot?: string;
    /** what the platform's rules take as now (default the system clock), e.g. a TestClock */
    clock?: Clock;
  } = {},
): Promise<RunningPlatform> {
  // PASSWORD_HASH_COST at its least: test platforms create a dozen logins each and sign in often (the cost itself: passwords.unit.spec.ts).
  const config = loadConfiguration({ DATA_DIR: dataDir, PORT: '0', SEED_DEMO: 'false', ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, PASSWORD_HASH_COST: '10', ...env });
  const app = await createPangolin(config, { logger: ['error'], webRoot: options.webRoot, clock: options.clock });
  const url = await listen(app, config);
  return {
    app,
    config,
    url,
    dataDir,
    api: new ApiClient(url),
    async stop({ keepData = false } = {}) {
      await app.close();
      if (keepData) return;
      rmSync(dataDir, { recursive: true, force: true });
      await dropPostgresSchemas(config);
    },
  };
}

/**
 * A clock a test sets: a story runs on fixed calendar dates (fund and issue on 2026-01-01, claim in
 * March, expire in January 2027) while the platform's rules judge time by it as by the real one.
 * Each reading moves it on by a millisecond, as time would, so things done one after the other
 * keep their order.
 */
export class TestClock implements Clock {
  private instant: number;

  constructor(instant: string) {
    this.instant = Date.parse(instant);
  }

  now(): string {
    return new Date(this.instant++).toISOString();
  }

  set(instant: string): void {
    this.instant = Date.parse(instant);
  }

  /** The clock's calendar date (UTC), YYYY-MM-DD. */
  today(): string {
    return new Date(this.instant).toISOString().slice(0, 10);
  }

  advanceDays(days: number): void {
    this.instant += days * 86_400_000;
  }
}

/** The calendar date `days` after `date` (YYYY-MM-DD). */
export function daysAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function dropPostgresSchemas(config: PangolinConfig): Promise<void> {
  const schemas = [config.eventStore, config.readDb, config.records].flatMap((store) => ('schema' in store ? [store.schema] : []));
  if (!schemas.length) return;
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** An answer with its response headers. */
export interface ApiExchange<T = any> extends ApiResponse<T> {
  headers: Headers;
}

/** A thin HTTP client over fetch, the way any API user would call Pangolin. */
export class ApiClient {
  constructor(readonly url: string, private readonly token?: string) {}

  as(token: string): ApiClient {
    return new ApiClient(this.url, token);
  }

  async login(username: string, password: string): Promise<ApiClient> {
    const response = await this.post('/auth/login', { username, password });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return this.as(response.body.accessToken);
  }

  get<T = any>(path: string): Promise<ApiResponse<T>> {
    return this.request('GET', path);
  }

  /** `headers`: extra request headers (e.g. Idempotency-Key). */
  post<T = any>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request('POST', path, body, headers);
  }

  /** Like post, but fails the test unless the status is 2xx. */
  async ok<T = any>(path: string, body: unknown = {}): Promise<T> {
    const response = await this.post<T>(path, body);
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async read<T = any>(path: string): Promise<T> {
    const response = await this.get<T>(path);
    if (response.status >= 300) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Every item of a paged list ({ items, nextCursor }), following nextCursor page by page (fails the test on a non-2xx). */
  async list<T = any>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: T[]; nextCursor: string | null } = await this.read(cursor === null ? path : `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  private async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const { status, body: answer } = await this.exchange<T>(method, path, body, extraHeaders);
    return { status, body: answer };
  }

  /** Any request, with extra request headers; the answer includes the response headers. */
  async exchange<T = any>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiExchange<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return { status: response.status, body: text ? (json ? JSON.parse(text) : text) : undefined, headers: response.headers };
  }
}

/** Money as the API speaks it: integer fen. */
export const cny = (fen: number) => ({ amount: fen, currency: 'CNY' });
