/**
 * The part of Node's `node:crypto` that Pangolin's transparency library uses (SHA-256 and Ed25519),
 * for the browser: Vite resolves `node:crypto` to this module in the web build, so the page runs the
 * very verification code `pangolin-verify` runs. Hashing and signatures come from the audited
 * @noble libraries; keys are the DER forms Node takes (SPKI public keys, PKCS#8 seeds), read as their
 * last 32 bytes.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

type Data = Uint8Array | string;

function bytesOf(data: Data, encoding?: string): Uint8Array {
  if (typeof data !== 'string') return data;
  return Buffer.from(data, (encoding ?? 'utf8') as BufferEncoding);
}

function encoded(digest: Uint8Array, encoding?: string): Buffer | string {
  const buffer = Buffer.from(digest);
  return encoding && encoding !== 'buffer' ? buffer.toString(encoding as BufferEncoding) : buffer;
}

function assertSha256(algorithm: string): void {
  if (algorithm.toLowerCase() !== 'sha256') throw new Error(`only sha256 is available in the browser, not ${algorithm}`);
}

export function hash(algorithm: string, data: Data, outputEncoding?: string): Buffer | string {
  assertSha256(algorithm);
  return encoded(sha256(bytesOf(data)), outputEncoding);
}

class Hash {
  private readonly state = sha256.create();
  update(data: Data, encoding?: string): this {
    this.state.update(bytesOf(data, encoding));
    return this;
  }
  digest(encoding?: string): Buffer | string {
    return encoded(this.state.digest(), encoding);
  }
}

export function createHash(algorithm: string): Hash {
  assertSha256(algorithm);
  return new Hash();
}

export class KeyObject {
  constructor(
    readonly type: 'public' | 'private',
    /** The raw 32-byte Ed25519 public key, or seed. */
    readonly raw: Uint8Array,
  ) {}

  export(options: { format: 'der'; type: 'spki' | 'pkcs8' }): Buffer {
    if (this.type !== 'public' || options.type !== 'spki') throw new Error('only a public key is exported in the browser');
    return Buffer.concat([SPKI_PREFIX, this.raw]);
  }
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

type KeyInput = KeyObject | { key: Uint8Array; format: 'der'; type: 'spki' | 'pkcs8' };

export function createPublicKey(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) return input.type === 'public' ? input : new KeyObject('public', ed25519.getPublicKey(input.raw));
  return new KeyObject('public', input.key.subarray(input.key.length - 32));
}

export function createPrivateKey(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) return input;
  return new KeyObject('private', input.key.subarray(input.key.length - 32));
}

export function sign(_algorithm: null, data: Uint8Array, key: KeyObject): Buffer {
  return Buffer.from(ed25519.sign(data, key.raw));
}

export function verify(_algorithm: null, data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, data, key.raw);
  } catch {
    return false;
  }
}

export function randomBytes(size: number): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(size)));
}
