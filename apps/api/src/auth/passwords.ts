import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { PASSWORD_HASH_COSTS } from '@pangolin/runtime';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** scrypt's block size and parallelism (RFC 7914's r and p), as OWASP's password storage cheat sheet gives them. */
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
/** The cost (log2 of scrypt's N) of hashes written before it was recorded in them: `scrypt$<salt>$<hash>`. */
const COST_OF_UNMARKED_HASHES = 14;

/**
 * A password's hash: `scrypt$ln=<cost>,r=8,p=1$<salt hex>$<hash hex>`, the cost (log2 N) recorded
 * in it, so that hashes written at an earlier cost still verify after PASSWORD_HASH_COST changes.
 * Computed on libuv's thread pool: a login does not hold up the requests of others.
 */
export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, scryptOptions(cost));
  return `scrypt$ln=${cost},r=${BLOCK_SIZE},p=${PARALLELISM}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

/** Whether `password` is the one `stored` was made from; false for a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await scryptAsync(password, parsed.salt, parsed.hash.length, scryptOptions(parsed.cost));
  return timingSafeEqual(actual, parsed.hash);
}

function parseHash(stored: string): { cost: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  const [parameters, saltHex, hashHex] = parts.length === 3 ? [undefined, parts[1], parts[2]] : parts.length === 4 ? [parts[1], parts[2], parts[3]] : [];
  if (!saltHex || !hashHex || !/^(?:[0-9a-f]{2})+$/.test(saltHex) || !/^(?:[0-9a-f]{2})+$/.test(hashHex)) return undefined;
  let cost = COST_OF_UNMARKED_HASHES;
  if (parameters !== undefined) {
    const match = /^ln=(\d{1,2}),r=8,p=1$/.exec(parameters);
    if (!match) return undefined;
    cost = Number(match[1]);
  }
  if (cost < PASSWORD_HASH_COSTS.least || cost > PASSWORD_HASH_COSTS.most) return undefined;
  return { cost, salt: Buffer.from(saltHex, 'hex'), hash: Buffer.from(hashHex, 'hex') };
}

function scryptOptions(cost: number) {
  const N = 2 ** cost;
  // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) would refuse costs above 14.
  return { N, r: BLOCK_SIZE, p: PARALLELISM, maxmem: 2 * 128 * N * BLOCK_SIZE };
}
