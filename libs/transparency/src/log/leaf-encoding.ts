/**
 * The canonical byte encoding `d` of a stored event, hashed as one leaf of the transparency log:
 * leaf hash = SHA-256(0x00 || encodeLeaf(event)) (RFC 6962 §2.1).
 *
 * Format, version 1:
 *
 *   d = 0x01                       one version byte
 *       field(eventId)
 *       field(streamId)
 *       field(revision)            the revision in decimal ASCII digits, no sign, no leading zeros
 *       field(type)
 *       field(canonicalJson(data))
 *       field(canonicalJson(metadata))
 *
 *   field(s) = uint32 big-endian byte length of UTF-8(s) || UTF-8(s)
 *
 * Length prefixes make the encoding injective: no two different events share bytes, whatever
 * their fields contain. decodeLeaf is the exact inverse and refuses any other bytes. The global position is not encoded: it is the leaf's index in the log.
 *
 * canonicalJson(v) is JSON.stringify's output (no whitespace, same string escaping, same number
 * formatting) with the keys of every object sorted by UTF-16 code units (as Array.prototype.sort and
 * RFC 8785 do), recursively. Object properties whose value is `undefined` are left out, as
 * JSON.stringify leaves them out, so an event encodes the same before and after a JSON round trip.
 * A string (or key) holding an unpaired UTF-16 surrogate is written as JSON.stringify writes it,
 * with the surrogate as a lower-case `\udXXX` escape: such a string can be stored (the embedded
 * event store keeps data as JSON text), so every stored event must have a leaf, and the escape
 * keeps the text valid UTF-8, the encoding injective, and every other string's bytes unchanged.
 * Every other value that JSON cannot hold is rejected with a TypeError: `undefined` elsewhere,
 * functions, symbols, bigints, non-finite numbers, objects that are not plain (Date, Map, class
 * instances), and cycles. The other fields (eventId, streamId, type) are written as UTF-8 and must
 * be well-formed: both stores read them back well-formed (an unpaired surrogate comes back as U+FFFD).
 */

import { hash } from 'node:crypto';

export const LEAF_ENCODING_VERSION = 1;

export interface LeafEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function encodeLeaf(event: LeafEvent): Uint8Array {
  const { bytes, end } = writeLeafHashInput(event);
  return new Uint8Array(bytes.subarray(1, end));
}

/**
 * The RFC 6962 leaf hash of an event, SHA-256(0x00 || encodeLeaf(event)), hashed in one call from a
 * reused buffer: the Merkle log computes it for every event it appends.
 */
export function eventLeafHash(event: LeafEvent): Uint8Array {
  const { bytes, end } = writeLeafHashInput(event);
  return new Uint8Array(hash('sha256', bytes.subarray(0, end), 'buffer'));
}

/**
 * The buffer leaves are written into, reused from one event to the next (everything here is
 * synchronous); grown for a larger event, up to MAX_SCRATCH_BYTES, beyond which a leaf gets a buffer
 * of its own, so one huge event does not keep its memory.
 */
let scratch = Buffer.allocUnsafe(16 * 1024);
const MAX_SCRATCH_BYTES = 1024 * 1024;

/**
 * Writes 0x00 || encodeLeaf(event) (RFC 6962's leaf prefix, then the encoding) into a buffer,
 * checking every field; returns the buffer and where the bytes end.
 */
function writeLeafHashInput(event: LeafEvent): { bytes: Buffer; end: number } {
  if (!Number.isSafeInteger(event.revision) || event.revision < 0) {
    throw new TypeError(`revision must be a non-negative safe integer, got ${event.revision}`);
  }
  // canonicalJson never writes an unpaired surrogate (JSON.stringify escapes it), so only the plain strings are checked.
  const fields = [
    wellFormed('eventId', event.eventId),
    wellFormed('streamId', event.streamId),
    String(event.revision),
    wellFormed('type', event.type),
    canonicalJson(event.data),
    canonicalJson(event.metadata),
  ];
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  let bound = 2;
  for (const text of fields) bound += 4 + 3 * text.length;
  let bytes = scratch;
  if (bound > bytes.length) {
    bytes = Buffer.allocUnsafe(bound);
    if (bound <= MAX_SCRATCH_BYTES) scratch = bytes;
  }
  bytes[0] = 0x00;
  bytes[1] = LEAF_ENCODING_VERSION;
  let offset = 2;
  // A field's length always fits its uint32 prefix: a string holds under 2^29 code units, so under 2^31 bytes.
  for (const text of fields) {
    const length = bytes.write(text, offset + 4, 'utf8');
    bytes.writeUInt32BE(length, offset);
    offset += 4 + length;
  }
  return { bytes, end: offset };
}

/** Leaf bytes were refused by decodeLeaf; the message says which field and why. */
export class LeafDecodingError extends Error {
  constructor(detail: string) {
    super(`malformed leaf: ${detail}`);
    this.name = 'LeafDecodingError';
  }
}

const FIELD_NAMES = ['eventId', 'streamId', 'revision', 'type', 'data', 'metadata'] as const;
const DECIMAL_WITHOUT_LEADING_ZEROS = /^(?:0|[1-9][0-9]*)$/;

/**
 * The exact inverse of encodeLeaf: returns the event whose encoding is `bytes`, or throws a
 * LeafDecodingError. Only canonical encodings decode (the result re-encodes to the same bytes), so
 * each event has exactly one leaf and a leaf can be shown, read and hashed without ambiguity.
 */
export function decodeLeaf(bytes: Uint8Array): LeafEvent {
  if (bytes.length === 0) throw new LeafDecodingError('no bytes');
  if (bytes[0] !== LEAF_ENCODING_VERSION) {
    throw new LeafDecodingError(`version byte is ${bytes[0]}, want ${LEAF_ENCODING_VERSION}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const text: Record<(typeof FIELD_NAMES)[number], string> = { eventId: '', streamId: '', revision: '', type: '', data: '', metadata: '' };
  let offset = 1;
  for (const name of FIELD_NAMES) {
    if (offset + 4 > bytes.length) throw new LeafDecodingError(`truncated before the length of ${name}`);
    const length = view.getUint32(offset, false);
    offset += 4;
    if (length > bytes.length - offset) {
      throw new LeafDecodingError(`${name} is ${length} bytes long but only ${bytes.length - offset} remain`);
    }
    try {
      text[name] = decoder.decode(bytes.subarray(offset, offset + length));
    } catch {
      throw new LeafDecodingError(`${name} is not valid UTF-8`);
    }
    offset += length;
  }
  if (offset !== bytes.length) throw new LeafDecodingError(`${bytes.length - offset} bytes after the metadata`);

  if (!DECIMAL_WITHOUT_LEADING_ZEROS.test(text.revision) || !Number.isSafeInteger(Number(text.revision))) {
    throw new LeafDecodingError(`revision ${JSON.stringify(text.revision)} is not a decimal safe integer without leading zeros`);
  }
  const event: LeafEvent = {
    eventId: text.eventId,
    streamId: text.streamId,
    revision: Number(text.revision),
    type: text.type,
    data: parseCanonicalJson('data', text.data),
    metadata: parseCanonicalJson('metadata', text.metadata),
  };
  // Every field was checked above; this guards the inverse property itself.
  if (!Buffer.from(encodeLeaf(event)).equals(bytes)) throw new LeafDecodingError('bytes are not the canonical encoding of their event');
  return event;
}

function parseCanonicalJson(name: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LeafDecodingError(`${name} is not JSON (${(error as Error).message})`);
  }
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch (error) {
    throw new LeafDecodingError(`${name} holds a value canonical JSON refuses (${(error as Error).message})`);
  }
  // Whitespace, key order, duplicate keys, escapes and number spellings all show up as a difference.
  if (canonical !== text) throw new LeafDecodingError(`${name} is not canonical JSON`);
  return value;
}

/** JSON text with object keys sorted recursively and no whitespace; rejects values JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  // Every event is encoded once when it becomes a leaf, so the common case takes a path that builds
  // no error locations; only a refused value is walked again, by `write`, to say where it failed.
  const fast = writeFast(value, 0);
  return fast ?? write(value, '$', new Set());
}

/** Deeper than this, a value is treated as possibly cyclic and left to `write`. */
const FAST_PATH_DEPTH = 64;

/** canonicalJson's text, or undefined for anything it would refuse (or nesting too deep to vouch for). */
function writeFast(value: unknown, depth: number): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (depth >= FAST_PATH_DEPTH) return undefined;
  // Built by concatenation, not arrays joined: this runs for every leaf.
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item = writeFast(value[i], depth + 1);
      if (item === undefined) return undefined;
      text += i === 0 ? item : `,${item}`;
    }
    return `${text}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of sortedKeys(record)) {
    const member = record[key];
    if (member === undefined) continue;
    const memberText = writeFast(member, depth + 1);
    if (memberText === undefined) return undefined;
    text += `${text.length === 1 ? '' : ','}${quotedKey(key)}:${memberText}`;
  }
  return `${text}}`;
}

/**
 * The object's keys in UTF-16 code unit order, as Array.prototype.sort orders strings. An event's
 * objects have a handful of keys: sorted in place by insertion, as `sort()` allocated a few KB of
 * work space per event (most of what the leaf hash allocated).
 */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

/** Keys repeat from one event to the next (the events' field names), so their JSON is kept; a few thousand at most. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: a ${typeof value} is not a JSON value`);
  }
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError(`${path}: cyclic value`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item, i) => write(item, `${path}[${i}]`, ancestors)).join(',')}]`;
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`${path}: a ${prototype?.constructor?.name ?? 'non-plain'} object is not a JSON value`);
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      if (record[key] === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

function wellFormed(name: string, text: string): string {
  if (typeof text !== 'string') throw new TypeError(`${name} must be a string`);
  if (LONE_SURROGATE.test(text)) throw new TypeError(`${name} has an unpaired surrogate`);
  return text;
}
