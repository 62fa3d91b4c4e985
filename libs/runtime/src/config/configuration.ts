import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PAYOUT_BATCH_SIZE, type S3EvidenceStoreOptions } from '@pangolin/application';
import { generateSignerKey, parseSignerKey, verifierKeyFor } from '@pangolin/transparency';
import { parseWitnessEndpoints, type WitnessEndpoint } from '@pangolin/witness';
import { RegionNames } from '../regions/region-names';

/**
 * Every setting Pangolin reads, from environment variables (documented in the README's
 * "Configuration" table). Embedded defaults need no server: everything lives under DATA_DIR.
 */
export interface PangolinConfig {
  port: number;
  host: string;
  dataDir: string;
  eventStore: { kind: 'sqlite'; path: string } | ({ kind: 'postgres'; url: string; schema: string } & PostgresTimeouts) | { kind: 'kurrentdb'; url: string };
  readDb: { type: 'sqlite'; path: string } | ({ type: 'postgres'; url: string; schema: string } & PostgresTimeouts);
  /** The records store (what the log cannot rebuild: keys, logins, signed checkpoints...): on the same kind of database as the views, apart from them. */
  records: { type: 'sqlite'; path: string } | ({ type: 'postgres'; url: string; schema: string } & PostgresTimeouts);
  jwt: { secret: string; ttlSeconds: number };
  /** Whether the demo data and its logins (shared password `pangolin-demo`) are seeded: by default only in embedded mode. */
  seedDemo: boolean;
  /** Whether logins with the demo password may exist: in embedded mode, or with ALLOW_DEMO_IN_SERVER_MODE=true. */
  demoPasswordAllowed: boolean;
  login: LoginLimits;
  /** An administrator account ensured at start-up (ADMIN_USERNAME / ADMIN_PASSWORD), if set. */
  initialAdmin?: { username: string; password: string };
  /** How long a command's response waits for its effects (allocation, views) to settle. */
  settleTimeoutMs: number;
  /** Which work this process does: `all` (API and workers), `api` or `projector`. */
  processRole: 'all' | 'api' | 'projector';
  /** How often a projector that does not hold a worker's lease tries to take it. */
  leaseRetryMs: number;
  /** How often active policies past their end date are expired; 0 turns the sweep off. */
  policyExpirySweepMs: number;
  /** How many events a projection or process manager may lag behind the log before /health/ready answers 503. */
  readinessMaxLag: number;
  /** At most this many events the projections apply in one transaction when the log is ahead of them. */
  projectionBatchSize: number;
  /** scrypt's cost (log2 N) for passwords hashed from now on; a stored hash keeps the cost it was made with. */
  passwordHashCost: number;
  /** How far (percent) V8 lets the heap grow past what its last full collection kept before the next one; 0: V8's own choice (see heap-growth.ts). */
  heapGrowthPercent: number;
  /** Policies a confirmed disaster declaration settles and records per batch. */
  disasterPayoutBatchSize: number;
  /** An event a projection or process manager cannot apply is tried this often, with a doubling backoff, then parked. */
  deadLetters: { maxAttempts: number; retryBackoffMs: number };
  transparency: TransparencyConfig;
  /** A policy may start on the day its premium was funded or up to this many days later. */
  policyStartWindowDays: number;
  /** A pledge not paid within this many hours expires. */
  pledgeExpiryHours: number;
  /** How often pledges past PLEDGE_EXPIRY_HOURS are expired; 0 turns the sweep off. */
  pledgeExpirySweepMs: number;
  /** Secret key of the national ID index (see nationalIdDigest): it must never change for a registry. */
  nationalIdIndexKey: Buffer;
  /** The code table naming the divisions (REGION_NAMES_FILE, see RegionNames); unset, the demo's names when it is seeded, else none. */
  regionNames?: RegionNames;
  /** The claim evidence store (EVIDENCE_STORE), files kept by their SHA-256: a folder (EVIDENCE_DIR), or a bucket on an S3-compatible server. */
  evidenceStore: { kind: 'folder'; dir: string } | ({ kind: 's3' } & S3EvidenceStoreOptions);
}

/** Bounds on waiting for PostgreSQL, so that an unreachable server fails requests quickly (503) instead of holding them. */
export interface PostgresTimeouts {
  /** DB_CONNECT_TIMEOUT_MS: opening a connection, or waiting for a free one in a pool. */
  connectTimeoutMs: number;
  /** DB_STATEMENT_TIMEOUT_MS: the server cancels a longer statement (statement_timeout); 0 never. */
  statementTimeoutMs: number;
}

/** The transparency log's identity and the key that signs its checkpoints. */
export interface TransparencyConfig {
  /** The checkpoint's origin line (TRANSPARENCY_LOG_ORIGIN; by default the signing key's name). */
  origin: string;
  /** C2SP note signer key, `PRIVATE+KEY+<name>+<id>+<key>`: secret. */
  signerKey: string;
  /** Its public verifier key, which anyone uses to check checkpoints and receipts. */
  verifierKey: string;
  /** Where the key came from, for the start-up message; `generated` says it was just created. */
  keySource: { kind: 'environment' } | { kind: 'file'; path: string; generated: boolean };
  /** How often a new checkpoint is signed when the log has grown; 0 turns the schedule off. */
  checkpointIntervalMs: number;
  /**
   * TRANSPARENCY_PROMISE_MAX_DELAY_SECONDS: the maximum merge delay stated in the promises that answer
   * money commands; by default the checkpoint interval plus 60 seconds of margin.
   */
  promiseMaxDelaySeconds: number;
  /** TRANSPARENCY_WITNESSES: the C2SP tlog-witnesses asked to cosign each checkpoint (none by default). */
  witnesses: WitnessEndpoint[];
}

/** How many failed logins are allowed before further attempts are refused with 429 until the window has passed. */
export interface LoginLimits {
  /** Failed logins for one username within the window (LOGIN_MAX_FAILURES_PER_ACCOUNT). */
  maxFailuresPerAccount: number;
  /** Failed logins from one client address, whatever the usernames, within the window (LOGIN_MAX_FAILURES_PER_ADDRESS). */
  maxFailuresPerAddress: number;
  /** LOGIN_FAILURE_WINDOW_SECONDS: counted from a key's first failure; the lockout ends with it. */
  windowSeconds: number;
}

/** The password every seeded demo account shares: published on the sign-in page, so never acceptable on a server. */
export const DEMO_PASSWORD = 'pangolin-demo';

export class ConfigurationError extends Error {}

function integer(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigurationError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function positive(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const value = integer(name, fallback, env);
  if (value < 1) throw new ConfigurationError(`${name} must be at least 1, got "${env[name]}"`);
  return value;
}

/**
 * The scrypt costs (log2 N, r = 8, p = 1) a password may be hashed with: 14 (16 MiB, about 40 ms
 * of one core here) by default; the least is for test installations that create many logins, the
 * most is 1 GiB per login being checked.
 */
export const PASSWORD_HASH_COSTS = { least: 10, most: 20 } as const;

function between(name: string, value: number, { least, most }: { least: number; most: number }): number {
  if (value < least || value > most) throw new ConfigurationError(`${name} must be from ${least} to ${most}, got "${value}"`);
  return value;
}

function atMost(name: string, value: number, most: number): number {
  if (value > most) throw new ConfigurationError(`${name} must be at most ${most}, got "${value}"`);
  return value;
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, env: NodeJS.ProcessEnv): T {
  const raw = (env[name] ?? fallback) as T;
  if (!allowed.includes(raw)) throw new ConfigurationError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw;
}

/** The JWT secret: JWT_SECRET if set, else one generated on first start and kept in DATA_DIR. */
function jwtSecret(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function required(name: string, env: NodeJS.ProcessEnv, because: string): string {
  const value = env[name];
  if (!value) throw new ConfigurationError(`${name} must be set ${because}`);
  return value;
}

function eventStore(env: NodeJS.ProcessEnv, dataDir: string): PangolinConfig['eventStore'] {
  switch (oneOf('EVENT_STORE', ['sqlite', 'postgres', 'kurrentdb'] as const, 'sqlite', env)) {
    case 'sqlite':
      return { kind: 'sqlite', path: env.EVENT_STORE_PATH ?? join(dataDir, 'events.sqlite') };
    case 'postgres':
      return {
        kind: 'postgres',
        url: required('EVENT_STORE_URL', env, 'when EVENT_STORE=postgres (e.g. postgres://user:password@host:5432/pangolin)'),
        schema: env.EVENT_STORE_SCHEMA ?? 'pangolin_events',
        ...postgresTimeouts(env),
      };
    case 'kurrentdb':
      return { kind: 'kurrentdb', url: required('EVENT_STORE_URL', env, 'when EVENT_STORE=kurrentdb (e.g. kurrentdb://host:2113?tls=false)') };
  }
}

function readDb(env: NodeJS.ProcessEnv, dataDir: string): PangolinConfig['readDb'] {
  if (oneOf('READ_DB', ['sqlite', 'postgres'] as const, 'sqlite', env) === 'sqlite') return { type: 'sqlite', path: env.READ_DB_PATH ?? join(dataDir, 'read.sqlite') };
  return {
    type: 'postgres',
    url: required('READ_DB_URL', env, 'when READ_DB=postgres (e.g. postgres://user:password@host:5432/pangolin)'),
    schema: env.READ_DB_SCHEMA ?? 'pangolin_read',
    ...postgresTimeouts(env),
  };
}

/**
 * The records store sits where the views do: a file of its own beside read.sqlite, or a schema of its
 * own on the views' PostgreSQL server. Its schema defaults to pangolin_records, or, when the views
 * have a schema named by READ_DB_SCHEMA, that name with `_records` appended (so that installations
 * that share a server by schema keep their records apart too).
 */
function recordsDb(env: NodeJS.ProcessEnv, dataDir: string, views: PangolinConfig['readDb']): PangolinConfig['records'] {
  if (views.type === 'sqlite') return { type: 'sqlite', path: env.RECORDS_DB_PATH ?? (views.path === ':memory:' ? ':memory:' : join(dataDir, 'records.sqlite')) };
  const { type: _views, url, schema, ...timeouts } = views;
  const schemaSetting = env.RECORDS_DB_SCHEMA ?? (env.READ_DB_SCHEMA ? `${env.READ_DB_SCHEMA}_records` : 'pangolin_records');
  if (schemaSetting === schema) throw new ConfigurationError(`RECORDS_DB_SCHEMA must differ from READ_DB_SCHEMA (${schema}): the records are kept apart from the views, which may be deleted and rebuilt`);
  return { type: 'postgres', url: env.RECORDS_DB_URL ?? url, schema: schemaSetting, ...timeouts };
}

function postgresTimeouts(env: NodeJS.ProcessEnv): PostgresTimeouts {
  return { connectTimeoutMs: positive('DB_CONNECT_TIMEOUT_MS', 5000, env), statementTimeoutMs: integer('DB_STATEMENT_TIMEOUT_MS', 30_000, env) };
}

function processRole(env: NodeJS.ProcessEnv): PangolinConfig['processRole'] {
  const role = oneOf('PROCESS_ROLE', ['all', 'api', 'projector'] as const, 'all', env);
  // Separate API and projector processes share the read database: that needs a server database.
  if (role !== 'all' && env.READ_DB !== 'postgres') throw new ConfigurationError(`PROCESS_ROLE=${role} needs READ_DB=postgres: API and projector processes share the read database`);
  return role;
}

function initialAdmin(env: NodeJS.ProcessEnv, embedded: boolean): PangolinConfig['initialAdmin'] {
  const { ADMIN_USERNAME: username, ADMIN_PASSWORD: password } = env;
  if (!username && !password) return undefined;
  if (!username || !password) throw new ConfigurationError('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  if (password.length < 10) throw new ConfigurationError('ADMIN_PASSWORD must be at least 10 characters');
  if (!embedded && password === DEMO_PASSWORD) throw new ConfigurationError(`ADMIN_PASSWORD must not be the published demo password "${DEMO_PASSWORD}" with a server store (EVENT_STORE or READ_DB other than sqlite)`);
  return { username, password };
}

/**
 * Demo data is on by default only in embedded mode. Its logins share a password printed in the
 * README and on the sign-in page, so a server (any server store) seeds them only when the operator
 * says twice that it is a demonstration: SEED_DEMO=true and ALLOW_DEMO_IN_SERVER_MODE=true.
 */
function demoSettings(env: NodeJS.ProcessEnv, embedded: boolean): Pick<PangolinConfig, 'seedDemo' | 'demoPasswordAllowed'> {
  const seed = oneOf('SEED_DEMO', ['true', 'false'] as const, embedded ? 'true' : 'false', env) === 'true';
  const allowed = embedded || oneOf('ALLOW_DEMO_IN_SERVER_MODE', ['true', 'false'] as const, 'false', env) === 'true';
  if (seed && !allowed) {
    throw new ConfigurationError(
      `SEED_DEMO=true with a server store (EVENT_STORE or READ_DB other than sqlite) would create logins with the published password "${DEMO_PASSWORD}"; ` +
        'set ALLOW_DEMO_IN_SERVER_MODE=true as well if this server is only a demonstration',
    );
  }
  return { seedDemo: seed, demoPasswordAllowed: allowed };
}

export const DEFAULT_LOG_ORIGIN = 'pangolin.localhost/log';

/**
 * The checkpoint signing key: TRANSPARENCY_SIGNING_KEY, else the file TRANSPARENCY_SIGNING_KEY_FILE,
 * else $DATA_DIR/transparency-signing.key. The embedded mode generates that file on first start.
 * With a server event store the key must be given: processes on other machines have other data
 * folders, and checkpoints signed by different keys would not verify with one public key.
 */
function transparency(env: NodeJS.ProcessEnv, dataDir: string, store: PangolinConfig['eventStore']): TransparencyConfig {
  const checkpointIntervalMs = integer('CHECKPOINT_INTERVAL_MS', 60_000, env);
  const promiseMaxDelaySeconds = integer('TRANSPARENCY_PROMISE_MAX_DELAY_SECONDS', Math.ceil(checkpointIntervalMs / 1000) + 60, env);
  let signerKey: string;
  let keySource: TransparencyConfig['keySource'];
  let variable = 'TRANSPARENCY_SIGNING_KEY';
  if (env.TRANSPARENCY_SIGNING_KEY) {
    signerKey = env.TRANSPARENCY_SIGNING_KEY.trim();
    keySource = { kind: 'environment' };
  } else {
    const path = resolve(env.TRANSPARENCY_SIGNING_KEY_FILE || join(dataDir, 'transparency-signing.key'));
    let generated = false;
    if (!existsSync(path)) {
      if (env.TRANSPARENCY_SIGNING_KEY_FILE) throw new ConfigurationError(`TRANSPARENCY_SIGNING_KEY_FILE names ${path}, which does not exist`);
      if (store.kind !== 'sqlite') {
        throw new ConfigurationError(
          `TRANSPARENCY_SIGNING_KEY or TRANSPARENCY_SIGNING_KEY_FILE must be set when EVENT_STORE=${store.kind}: every process must sign checkpoints with the same key. ` +
            'Create one with `npm run generate-signing-key`',
        );
      }
      try {
        writeFileSync(path, `${generateSignerKey(env.TRANSPARENCY_LOG_ORIGIN || DEFAULT_LOG_ORIGIN).signerKey}\n`, { mode: 0o600, flag: 'wx' });
        generated = true;
      } catch (error) {
        // Another process starting on the same folder wrote it first: use that one.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    signerKey = readFileSync(path, 'utf8').trim();
    keySource = { kind: 'file', path, generated };
    variable = env.TRANSPARENCY_SIGNING_KEY_FILE ? 'TRANSPARENCY_SIGNING_KEY_FILE' : path;
  }
  let name: string;
  try {
    name = parseSignerKey(signerKey).name;
  } catch (error) {
    throw new ConfigurationError(`${variable} does not hold a valid signer key (PRIVATE+KEY+<name>+<id>+<key>): ${error instanceof Error ? error.message : error}`);
  }
  let witnesses: WitnessEndpoint[];
  try {
    witnesses = parseWitnessEndpoints(env.TRANSPARENCY_WITNESSES ?? '');
  } catch (error) {
    throw new ConfigurationError(`TRANSPARENCY_WITNESSES must list "<url> <witness verifier key>" entries separated by commas: ${error instanceof Error ? error.message : error}`);
  }
  return { origin: env.TRANSPARENCY_LOG_ORIGIN || name, signerKey, verifierKey: verifierKeyFor(signerKey), keySource, checkpointIntervalMs, promiseMaxDelaySeconds, witnesses };
}

/**
 * The national ID index key: NATIONAL_ID_INDEX_KEY (64 hex characters) if set, else derived from the
 * transparency signing key, which is already durable and the same in every process (the server
 * modes require it to be given). Changing it later would hide the IDs registered before.
 */
function nationalIdIndexKey(env: NodeJS.ProcessEnv, signerKey: string): Buffer {
  const raw = env.NATIONAL_ID_INDEX_KEY;
  if (raw === undefined || raw === '') return createHmac('sha256', 'pangolin/national-id-index-key/v1').update(signerKey).digest();
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) throw new ConfigurationError('NATIONAL_ID_INDEX_KEY must be 64 hexadecimal characters (32 bytes)');
  return Buffer.from(raw, 'hex');
}

export function loadConfiguration(env: NodeJS.ProcessEnv = process.env): PangolinConfig {
  const dataDir = resolve(env.DATA_DIR ?? 'data');
  mkdirSync(dataDir, { recursive: true });
  const store = eventStore(env, dataDir);
  const reads = readDb(env, dataDir);
  const embedded = store.kind === 'sqlite' && reads.type === 'sqlite';
  const transparencyConfig = transparency(env, dataDir, store);
  return {
    port: integer('PORT', 3000, env),
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    eventStore: store,
    readDb: reads,
    records: recordsDb(env, dataDir, reads),
    jwt: { secret: jwtSecret(env, dataDir), ttlSeconds: integer('JWT_TTL_SECONDS', 8 * 3600, env) },
    ...demoSettings(env, embedded),
    login: {
      maxFailuresPerAccount: positive('LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, env),
      maxFailuresPerAddress: positive('LOGIN_MAX_FAILURES_PER_ADDRESS', 100, env),
      windowSeconds: positive('LOGIN_FAILURE_WINDOW_SECONDS', 900, env),
    },
    initialAdmin: initialAdmin(env, embedded),
    settleTimeoutMs: integer('SETTLE_TIMEOUT_MS', 5000, env),
    policyExpirySweepMs: integer('POLICY_EXPIRY_SWEEP_MS', 3_600_000, env),
    processRole: processRole(env),
    leaseRetryMs: integer('LEASE_RETRY_MS', 2000, env),
    readinessMaxLag: integer('READINESS_MAX_LAG', 1000, env),
    projectionBatchSize: positive('PROJECTION_BATCH_SIZE', 4000, env),
    passwordHashCost: between('PASSWORD_HASH_COST', integer('PASSWORD_HASH_COST', 14, env), PASSWORD_HASH_COSTS),
    heapGrowthPercent: atMost('HEAP_GROWTH_PERCENT', integer('HEAP_GROWTH_PERCENT', 50, env), 400),
    disasterPayoutBatchSize: positive('DISASTER_PAYOUT_BATCH_SIZE', PAYOUT_BATCH_SIZE, env),
    deadLetters: { maxAttempts: positive('DEAD_LETTER_MAX_ATTEMPTS', 3, env), retryBackoffMs: integer('DEAD_LETTER_BACKOFF_MS', 100, env) },
    transparency: transparencyConfig,
    policyStartWindowDays: integer('POLICY_START_WINDOW_DAYS', 30, env),
    pledgeExpiryHours: positive('PLEDGE_EXPIRY_HOURS', 72, env),
    pledgeExpirySweepMs: integer('PLEDGE_EXPIRY_SWEEP_MS', 600_000, env),
    nationalIdIndexKey: nationalIdIndexKey(env, transparencyConfig.signerKey),
    regionNames: regionNames(env),
    evidenceStore: evidenceStore(env, dataDir),
  };
}

const S3_SETTINGS = ['EVIDENCE_S3_ENDPOINT', 'EVIDENCE_S3_BUCKET', 'EVIDENCE_S3_REGION', 'EVIDENCE_S3_ACCESS_KEY_ID', 'EVIDENCE_S3_SECRET_ACCESS_KEY', 'EVIDENCE_S3_PREFIX', 'EVIDENCE_S3_FORCE_PATH_STYLE'] as const;

/**
 * The claim evidence store: the folder EVIDENCE_DIR (default), or with EVIDENCE_STORE=s3 a bucket on
 * an S3-compatible server. A setting of the other kind of store is refused rather than ignored, so
 * that evidence never lands silently somewhere the operator does not back up.
 */
function evidenceStore(env: NodeJS.ProcessEnv, dataDir: string): PangolinConfig['evidenceStore'] {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (oneOf('EVIDENCE_STORE', ['folder', 's3'] as const, 'folder', env) === 'folder') {
    const stray = S3_SETTINGS.find(set);
    if (stray) throw new ConfigurationError(`${stray} is set, but EVIDENCE_STORE is folder (the default): set EVIDENCE_STORE=s3 to keep evidence in the bucket, or unset ${stray}`);
    return { kind: 'folder', dir: resolve(env.EVIDENCE_DIR || join(dataDir, 'evidence')) };
  }
  if (set('EVIDENCE_DIR')) throw new ConfigurationError('EVIDENCE_DIR is set, but EVIDENCE_STORE=s3 keeps evidence in a bucket: unset EVIDENCE_DIR (or set EVIDENCE_STORE=folder)');
  const bucket = required('EVIDENCE_S3_BUCKET', env, 'when EVIDENCE_STORE=s3 (the bucket that holds the evidence files; create it first)');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/.test(bucket)) throw new ConfigurationError(`EVIDENCE_S3_BUCKET must be a bucket name (3 to 255 letters, digits, '.', '-' or '_', starting with a letter or digit), got "${bucket}"`);
  const region = env.EVIDENCE_S3_REGION || 'us-east-1';
  if (!/^[A-Za-z0-9-]+$/.test(region)) throw new ConfigurationError(`EVIDENCE_S3_REGION must be a region name (letters, digits and '-', e.g. us-east-1), got "${region}"`);
  return {
    kind: 's3',
    endpoint: s3Endpoint(env),
    bucket,
    region,
    prefix: s3Prefix(env),
    forcePathStyle: oneOf('EVIDENCE_S3_FORCE_PATH_STYLE', ['true', 'false'] as const, 'true', env) === 'true',
    credentials: s3Credentials(env),
  };
}

function s3Endpoint(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.EVIDENCE_S3_ENDPOINT;
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError(`EVIDENCE_S3_ENDPOINT must be the server's http:// or https:// URL without credentials or query (e.g. https://minio.example.org:9000), got "${raw}"`);
  }
  return raw;
}

/** Object names are `<prefix><sha256>`: a prefix is folders separated by '/', given with or without the last '/'. */
function s3Prefix(env: NodeJS.ProcessEnv): string {
  const raw = env.EVIDENCE_S3_PREFIX ?? '';
  if (raw === '') return '';
  const folders = raw.replace(/\/$/, '').split('/');
  if (folders.some((folder) => folder === '' || folder === '.' || folder === '..' || /[\\\x00-\x1f\x7f]/.test(folder))) {
    throw new ConfigurationError(`EVIDENCE_S3_PREFIX must be folder names separated by '/' (e.g. pangolin/evidence), without a leading '/', empty, '.' or '..' names or control characters, got "${raw}"`);
  }
  return `${folders.join('/')}/`;
}

/** The access key pair if given (both or neither); neither, the SDK's default credential chain. */
function s3Credentials(env: NodeJS.ProcessEnv): S3EvidenceStoreOptions['credentials'] {
  const { EVIDENCE_S3_ACCESS_KEY_ID: accessKeyId, EVIDENCE_S3_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) throw new ConfigurationError('EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together (or neither, for the default credential chain: AWS_ACCESS_KEY_ID, AWS_PROFILE, instance roles...)');
  return { accessKeyId, secretAccessKey };
}

/** The operator's code table, read and checked at start: a malformed line stops the start, naming the line. */
function regionNames(env: NodeJS.ProcessEnv): RegionNames | undefined {
  if (!env.REGION_NAMES_FILE) return undefined;
  const path = resolve(env.REGION_NAMES_FILE);
  if (!existsSync(path)) throw new ConfigurationError(`REGION_NAMES_FILE names ${path}, which does not exist: give the path of a division code table (code,name per line), or unset it`);
  try {
    return RegionNames.fromFile(path);
  } catch (error) {
    throw new ConfigurationError(`REGION_NAMES_FILE: ${error instanceof Error ? error.message : error}`);
  }
}

export const PANGOLIN_CONFIG = Symbol('PANGOLIN_CONFIG');
