/**
 * Strict reading of the small JSON files the offline verifier takes (receipts, consistency proofs).
 * Values are checked field by field with their JSON path ($.events[2].leaf) in every message. The
 * files are verified over their parsed content, not their spelling: everything they prove is in
 * bytes they carry (leaves, hashes, the signed checkpoint note), so a file re-saved by a standard
 * JSON tool (keys reordered, whitespace or string escapes changed) reads the same and verifies.
 * Only a duplicate key is refused, since JSON parsers disagree on which of the two values counts.
 */
import { decodeStandardBase64 } from '../signed-note/base64';

/** A file was refused; `path` is the JSON path of the offending value ($ for the whole text). */
export class StrictJsonError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'StrictJsonError';
  }
}

const MAX_UINT64 = 2n ** 64n - 1n;
const DECIMAL_WITHOUT_LEADING_ZEROS = /^(?:0|[1-9][0-9]*)$/;

/** Strict UTF-8 (a lenient decoder would silently replace bad bytes); undefined if the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // ignoreBOM keeps a leading U+FEFF, which JSON.parse then refuses, instead of dropping a byte silently.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** JSON.parse with the refusal as a StrictJsonError; refuses an object with a key twice. */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StrictJsonError('$', `not JSON (${(error as Error).message})`);
  }
  assertNoDuplicateKeys(text);
  return value;
}

/** For text JSON.parse accepted: throws if an object holds the same key twice (JSON.parse would keep the last silently). */
function assertNoDuplicateKeys(text: string): void {
  // One entry per open object (its keys so far) or array (undefined).
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = open[open.length - 1] as Set<string>;
        if (keys.has(key)) {
          const { line, column } = lineAndColumn(text, i);
          throw new StrictJsonError('$', `the key ${JSON.stringify(key)} appears twice in one object (line ${line}, column ${column})`);
        }
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(undefined);
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

export function expectObject(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StrictJsonError(path, `must be an object, got ${describeJsonType(value)}`);
  }
  const record = value as Record<string, unknown>;
  const present = Object.keys(record);
  const unknown = present.find((key) => !keys.includes(key));
  if (unknown !== undefined) throw new StrictJsonError(path, `unknown key ${JSON.stringify(unknown)}`);
  const missing = keys.find((key) => !present.includes(key));
  if (missing !== undefined) throw new StrictJsonError(path, `missing key ${JSON.stringify(missing)}`);
  return record;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new StrictJsonError(path, `must be an array, got ${describeJsonType(value)}`);
  return value;
}

export function expectString(value: unknown, path: string, { nonEmpty = true } = {}): string {
  if (typeof value !== 'string') throw new StrictJsonError(path, `must be a string, got ${describeJsonType(value)}`);
  if (nonEmpty && value === '') throw new StrictJsonError(path, 'must not be empty');
  return value;
}

/** A uint64 written as a decimal string without sign or leading zeros (JSON numbers lose precision past 2^53). */
export function expectDecimalUint64(value: unknown, path: string): bigint {
  const text = expectString(value, path, { nonEmpty: false });
  if (!DECIMAL_WITHOUT_LEADING_ZEROS.test(text)) {
    throw new StrictJsonError(path, `${JSON.stringify(text)} is not a decimal string without sign or leading zeros`);
  }
  const number = BigInt(text);
  if (number > MAX_UINT64) throw new StrictJsonError(path, `${text} exceeds 2^64-1`);
  return number;
}

/** Standard padded base64 that re-encodes to the same text; `length` fixes the decoded size. */
export function expectBase64(value: unknown, path: string, length?: number): Uint8Array {
  const text = expectString(value, path);
  const bytes = decodeStandardBase64(text);
  if (bytes === undefined) throw new StrictJsonError(path, 'is not canonical standard base64 (RFC 4648 §4, padded)');
  if (length !== undefined && bytes.length !== length) {
    throw new StrictJsonError(path, `must decode to ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
