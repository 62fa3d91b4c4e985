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
 * their fields contain. The global position is not encoded: it is the leaf's index in the log.
 *
 * canonicalJson(v) is JSON.stringify's output (no whitespace, same string escaping, same number
 * formatting) with the keys of every object sorted by UTF-16 code units (as Array.prototype.sort and
 * RFC 8785 do), recursively. Object properties whose value is `undefined` are left out, as
 * JSON.stringify leaves them out, so an event encodes the same before and after a JSON round trip.
 * Every other value that JSON cannot hold is rejected with a TypeError: `undefined` elsewhere,
 * functions, symbols, bigints, non-finite numbers, objects that are not plain (Date, Map, class
 * instances), strings with unpaired surrogates, and cycles.
 */

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
const MAX_FIELD_LENGTH = 0xffffffff;

export function encodeLeaf(event: LeafEvent): Uint8Array {
  if (!Number.isSafeInteger(event.revision) || event.revision < 0) {
    throw new TypeError(`revision must be a non-negative safe integer, got ${event.revision}`);
  }
  const fields = [
    utf8('eventId', event.eventId),
    utf8('streamId', event.streamId),
    utf8('revision', String(event.revision)),
    utf8('type', event.type),
    utf8('data', canonicalJson(event.data)),
    utf8('metadata', canonicalJson(event.metadata)),
  ];
  const out = new Uint8Array(1 + fields.reduce((total, field) => total + 4 + field.length, 0));
  const view = new DataView(out.buffer);
  out[0] = LEAF_ENCODING_VERSION;
  let offset = 1;
  for (const field of fields) {
    view.setUint32(offset, field.length, false);
    out.set(field, offset + 4);
    offset += 4 + field.length;
  }
  return out;
}

/** JSON text with object keys sorted recursively and no whitespace; rejects values JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
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
      if (LONE_SURROGATE.test(value)) throw new TypeError(`${path}: string has an unpaired surrogate`);
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
      if (LONE_SURROGATE.test(key)) throw new TypeError(`${path}: key has an unpaired surrogate`);
      members.push(`${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

function utf8(name: string, text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`${name} must be a string`);
  if (LONE_SURROGATE.test(text)) throw new TypeError(`${name} has an unpaired surrogate`);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_FIELD_LENGTH) throw new RangeError(`${name} is longer than ${MAX_FIELD_LENGTH} bytes`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
