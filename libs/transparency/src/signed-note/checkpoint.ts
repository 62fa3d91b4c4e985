/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text of a signed tree head.
 *
 *   <origin>\n
 *   <tree size in decimal>\n
 *   <base64 of the 32-byte RFC 6962 root hash>\n
 *   [<extension line>\n ...]
 */
import { decodeStandardBase64, encodeStandardBase64 } from './base64';

/** The checkpoint text was refused; the message says which line and why. */
export class CheckpointError extends Error {
  constructor(detail: string) {
    super(`malformed checkpoint: ${detail}`);
    this.name = 'CheckpointError';
  }
}

export interface Checkpoint {
  /** Unique identity of the log, conventionally also the key name that signs it (e.g. pangolin.example/log). */
  readonly origin: string;
  /** Number of leaves; bigint because logs may outgrow Number's 2^53. */
  readonly size: bigint;
  readonly rootHash: Uint8Array;
}

export interface ParsedCheckpoint extends Checkpoint {
  /** Opaque lines after the root hash; the spec allows them, so they are kept rather than dropped unseen. */
  readonly extensionLines: readonly string[];
}

const ROOT_HASH_LENGTH = 32;
// Go and the other C2SP implementations hold sizes in a uint64.
const MAX_TREE_SIZE = 2n ** 64n - 1n;
const DECIMAL_WITHOUT_LEADING_ZEROS = /^(?:0|[1-9][0-9]*)$/;

/** The checkpoint's text; `extensionLines` (e.g. the trail map's, see trail-map.ts) follow the root hash in order. */
export function formatCheckpoint(checkpoint: Checkpoint & { readonly extensionLines?: readonly string[] }): string {
  const { origin, size, rootHash, extensionLines = [] } = checkpoint;
  checkOrigin(origin);
  if (size < 0n || size > MAX_TREE_SIZE) throw new CheckpointError(`tree size ${size} is outside 0..2^64-1`);
  if (rootHash.length !== ROOT_HASH_LENGTH) {
    throw new CheckpointError(`root hash must be ${ROOT_HASH_LENGTH} bytes, got ${rootHash.length}`);
  }
  for (const line of extensionLines) {
    if (line === '' || /[\u0000-\u001f]/.test(line)) throw new CheckpointError(`extension line ${JSON.stringify(line)} must be non-empty, without a newline or control character`);
  }
  return `${origin}\n${size.toString(10)}\n${encodeStandardBase64(rootHash)}\n${extensionLines.map((line) => `${line}\n`).join('')}`;
}

/** Parses checkpoint note text (as returned by openNote); anything not exactly per the spec is refused. */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError(`expected at least 3 lines, got ${lines.length}`);
  const [origin, sizeLine, rootHashLine, ...extensionLines] = lines;

  checkOrigin(origin);
  if (!DECIMAL_WITHOUT_LEADING_ZEROS.test(sizeLine)) {
    throw new CheckpointError(`tree size ${JSON.stringify(sizeLine)} is not a decimal without leading zeros`);
  }
  const size = BigInt(sizeLine);
  if (size > MAX_TREE_SIZE) throw new CheckpointError(`tree size ${sizeLine} exceeds 2^64-1`);
  const rootHash = decodeStandardBase64(rootHashLine);
  if (rootHash === undefined || rootHash.length !== ROOT_HASH_LENGTH) {
    throw new CheckpointError(`root hash ${JSON.stringify(rootHashLine)} is not standard base64 of 32 bytes`);
  }
  if (extensionLines.some((line) => line === '')) throw new CheckpointError('extension lines must be non-empty');
  return { origin, size, rootHash, extensionLines };
}

function checkOrigin(origin: string): void {
  if (origin === '') throw new CheckpointError('origin must be non-empty');
  if (/[\u0000-\u001f]/.test(origin)) {
    throw new CheckpointError('origin must not contain a newline or control character');
  }
}
