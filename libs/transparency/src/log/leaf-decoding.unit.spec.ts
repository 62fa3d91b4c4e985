import { decodeLeaf, encodeLeaf, LeafDecodingError, type LeafEvent } from './leaf-encoding';

const event: LeafEvent = {
  eventId: '3f1c0c52-5d1b-4a8e-9d1e-2f0b8e7a6c11',
  streamId: 'gift-gift-1',
  revision: 3,
  type: 'GiftAllocated',
  data: { giftId: 'gift-1', amount: { amount: 5000, currency: 'CNY' }, households: ['hh-1', 'hh-2'], note: '捐赠 "quoted" 😀', nothing: null, n: -1.5e-7 },
  metadata: { actor: 'donor:a', correlationId: 'c', causationId: 'k', occurredAt: '2024-01-01T08:00:00.000Z', schemaVersion: 1 },
};

/** Leaf bytes written field by field, so a test can break exactly one rule. */
function leafBytes(fields: { version?: number; eventId?: string | Uint8Array; revision?: string; data?: string; metadata?: string; extra?: Uint8Array }): Uint8Array {
  const asBytes = (value: string | Uint8Array) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value));
  const parts = [
    fields.eventId ?? 'e1',
    's',
    fields.revision ?? '0',
    'T',
    fields.data ?? '{"a":1}',
    fields.metadata ?? '{"actor":"u"}',
  ].map(asBytes);
  const out = [Buffer.of(fields.version ?? 1)];
  for (const part of parts) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    out.push(length, part);
  }
  if (fields.extra) out.push(Buffer.from(fields.extra));
  return new Uint8Array(Buffer.concat(out));
}

describe('leaf decoding', () => {
  it('is the inverse of encoding', () => {
    const decoded = decodeLeaf(encodeLeaf(event));
    expect(decoded).toEqual(event);
    expect(Buffer.from(encodeLeaf(decoded)).equals(encodeLeaf(event))).toBe(true);
  });

  it('round-trips empty fields, revision 0 and a large revision', () => {
    for (const revision of [0, Number.MAX_SAFE_INTEGER]) {
      const minimal: LeafEvent = { eventId: '', streamId: '', revision, type: '', data: [], metadata: {} };
      expect(decodeLeaf(encodeLeaf(minimal))).toEqual(minimal);
    }
  });

  it('decodes hand-written canonical bytes', () => {
    expect(decodeLeaf(leafBytes({}))).toEqual({ eventId: 'e1', streamId: 's', revision: 0, type: 'T', data: { a: 1 }, metadata: { actor: 'u' } });
  });

  it.each([
    ['an empty input', new Uint8Array(0), 'no bytes'],
    ['version 0', leafBytes({ version: 0 }), 'version byte is 0, want 1'],
    ['version 2', leafBytes({ version: 2 }), 'version byte is 2, want 1'],
    ['a trailing byte', leafBytes({ extra: Uint8Array.of(0) }), '1 bytes after the metadata'],
    ['invalid UTF-8', leafBytes({ eventId: Uint8Array.of(0x65, 0xff) }), 'eventId is not valid UTF-8'],
    ['an overlong UTF-8 sequence', leafBytes({ eventId: Uint8Array.of(0xc0, 0xaf) }), 'eventId is not valid UTF-8'],
    ['a UTF-8 encoded surrogate', leafBytes({ eventId: Uint8Array.of(0xed, 0xa0, 0x80) }), 'eventId is not valid UTF-8'],
    ['a revision with a leading zero', leafBytes({ revision: '01' }), 'revision "01" is not a decimal'],
    ['a signed revision', leafBytes({ revision: '+1' }), 'revision "+1" is not a decimal'],
    ['an empty revision', leafBytes({ revision: '' }), 'revision "" is not a decimal'],
    ['a revision beyond 2^53', leafBytes({ revision: '9007199254740992' }), 'not a decimal safe integer'],
    ['data that is not JSON', leafBytes({ data: '{a:1}' }), 'data is not JSON'],
    ['data with whitespace', leafBytes({ data: '{"a": 1}' }), 'data is not canonical JSON'],
    ['data with unsorted keys', leafBytes({ data: '{"b":1,"a":2}' }), 'data is not canonical JSON'],
    ['data with a duplicate key', leafBytes({ data: '{"a":1,"a":1}' }), 'data is not canonical JSON'],
    ['data with a needless escape', leafBytes({ data: '{"a":"\\u0041"}' }), 'data is not canonical JSON'],
    ['data with a number spelt 1.0', leafBytes({ data: '{"a":1.0}' }), 'data is not canonical JSON'],
    ['data with an upper-case surrogate escape', leafBytes({ data: '{"a":"\\uD800"}' }), 'data is not canonical JSON'],
    ['data with a surrogate pair escaped', leafBytes({ data: '{"a":"\\ud83d\\ude00"}' }), 'data is not canonical JSON'],
    ['metadata that is not canonical', leafBytes({ metadata: '{ }' }), 'metadata is not canonical JSON'],
  ])('refuses %s', (_, bytes, message) => {
    expect(() => decodeLeaf(bytes)).toThrow(LeafDecodingError);
    expect(() => decodeLeaf(bytes)).toThrow(message);
  });

  it('refuses every truncation of a valid leaf', () => {
    const bytes = encodeLeaf(event);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeLeaf(bytes.subarray(0, length))).toThrow(LeafDecodingError);
    }
  });

  it('refuses a length prefix that runs past the end', () => {
    const bytes = leafBytes({});
    bytes[4] += 1; // eventId claims 3 bytes, so every later field is misread
    expect(() => decodeLeaf(bytes)).toThrow(LeafDecodingError);
    const huge = leafBytes({});
    huge.set([0xff, 0xff, 0xff, 0xff], 1);
    expect(() => decodeLeaf(huge)).toThrow('eventId is 4294967295 bytes long');
  });

  it('decodes from a view into a larger buffer', () => {
    const bytes = encodeLeaf(event);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    expect(decodeLeaf(padded.subarray(5, 5 + bytes.length))).toEqual(event);
  });
});
