import { leafHash } from '../merkle/rfc6962';
import { canonicalJson, decodeLeaf, encodeLeaf, eventLeafHash, type LeafEvent } from './leaf-encoding';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const small: LeafEvent = { eventId: 'e1', streamId: 's', revision: 0, type: 'T', data: { b: [true, null], a: 1 }, metadata: { actor: 'u' } };

const event: LeafEvent = {
  eventId: '3f1c0c52-5d1b-4a8e-9d1e-2f0b8e7a6c11',
  streamId: 'gift-gift-1',
  revision: 3,
  type: 'GiftAllocated',
  data: { giftId: 'gift-1', amount: { minor: 5000, currency: 'CNY' }, households: ['hh-1', 'hh-2'], note: '捐赠 "quoted"' },
  metadata: { actor: 'donor:a', correlationId: 'c', causationId: 'k', occurredAt: '2024-01-01T08:00:00.000Z', schemaVersion: 1 },
};

describe('leaf encoding', () => {
  it('gives a fixed event fixed bytes', () => {
    expect(hex(encodeLeaf(small))).toBe(
      '01' +
        '00000002' + '6531' + // "e1"
        '00000001' + '73' + // "s"
        '00000001' + '30' + // "0"
        '00000001' + '54' + // "T"
        '00000017' + Buffer.from('{"a":1,"b":[true,null]}').toString('hex') +
        '0000000d' + Buffer.from('{"actor":"u"}').toString('hex'),
    );
    expect(hex(encodeLeaf(small))).toBe(
      '01000000026531000000017300000001300000000154000000177b2261223a312c2262223a5b747275652c6e756c6c5d7d0000000d7b226163746f72223a2275227d',
    );
  });

  it('writes canonical JSON: keys sorted at every depth, no whitespace', () => {
    expect(canonicalJson({ z: { y: 1, x: [{ b: 2, a: 1 }] }, a: 'é', m: -0, n: 1e21 })).toBe('{"a":"é","m":0,"n":1e+21,"z":{"x":[{"a":1,"b":2}],"y":1}}');
  });

  it('orders keys by UTF-16 code units, as sort() does, for few keys and for many', () => {
    const keys = ['b', 'a', '10', '2', 'B', 'é', 'e', '😀', '\uFFFF', '', 'aa', 'a\u0000'];
    const many = Array.from({ length: 40 }, (_, i) => `k${(i * 7) % 40}`);
    for (const list of [keys, many]) {
      const value = Object.fromEntries(list.map((key, i) => [key, i]));
      const expected = `{${[...list].sort().map((key) => `${JSON.stringify(key)}:${value[key]}`).join(',')}}`;
      expect(canonicalJson(value)).toBe(expected);
    }
  });

  it('does not depend on key order', () => {
    const reordered: LeafEvent = {
      metadata: Object.fromEntries(Object.entries(event.metadata as object).reverse()),
      data: { note: '捐赠 "quoted"', households: ['hh-1', 'hh-2'], amount: { currency: 'CNY', minor: 5000 }, giftId: 'gift-1' },
      type: event.type,
      revision: event.revision,
      streamId: event.streamId,
      eventId: event.eventId,
    };
    expect(hex(encodeLeaf(reordered))).toBe(hex(encodeLeaf(event)));
  });

  it('encodes an event the same after a JSON round trip', () => {
    const withUndefined = { ...event, data: { ...(event.data as object), missing: undefined } };
    expect(hex(encodeLeaf(JSON.parse(JSON.stringify(withUndefined))))).toBe(hex(encodeLeaf(withUndefined)));
    expect(hex(encodeLeaf(withUndefined))).toBe(hex(encodeLeaf(event)));
  });

  it.each([
    ['eventId', { eventId: '3f1c0c52-5d1b-4a8e-9d1e-2f0b8e7a6c12' }],
    ['streamId', { streamId: 'gift-gift-2' }],
    ['revision', { revision: 4 }],
    ['type', { type: 'GiftPledged' }],
    ['data', { data: { ...(event.data as object), giftId: 'gift-2' } }],
    ['nested data', { data: { ...(event.data as object), amount: { minor: 5001, currency: 'CNY' } } }],
    ['array order', { data: { ...(event.data as object), households: ['hh-2', 'hh-1'] } }],
    ['type of a value', { data: { ...(event.data as object), giftId: 1 } }],
    ['metadata', { metadata: { ...(event.metadata as object), actor: 'donor:b' } }],
  ])('changes when the %s changes', (_, change) => {
    expect(hex(encodeLeaf({ ...event, ...change }))).not.toBe(hex(encodeLeaf(event)));
  });

  it('cannot be confused by moving bytes between fields', () => {
    const a = encodeLeaf({ ...small, eventId: 'ab', streamId: 'c' });
    const b = encodeLeaf({ ...small, eventId: 'a', streamId: 'bc' });
    expect(hex(a)).not.toBe(hex(b));
  });

  it.each([
    ['undefined', undefined],
    ['undefined in an array', [undefined]],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    ['a symbol', Symbol('s')],
  ])('rejects %s in data', (_, data) => {
    expect(() => encodeLeaf({ ...event, data })).toThrow(TypeError);
  });

  it('writes an unpaired surrogate in data as its escape, which decodes back to the same event', () => {
    const lone = { ...event, data: { reference: 'BANK-\uD800-\uDFFF', ['key\uDC00']: '\uD83D\uDE00' }, metadata: { note: '\uDBFF' } };
    expect(canonicalJson(lone.data)).toBe('{"key\\udc00":"\uD83D\uDE00","reference":"BANK-\\ud800-\\udfff"}');
    const bytes = encodeLeaf(lone);
    expect(decodeLeaf(bytes)).toEqual(lone);
    expect(hex(eventLeafHash(lone))).toBe(hex(leafHash(bytes)));
    // Deeper than the fast path goes, the same text.
    let deep: unknown = '\uD800';
    for (let level = 0; level < 100; level++) deep = [deep];
    expect(canonicalJson(deep)).toBe(`${'['.repeat(100)}"\\ud800"${']'.repeat(100)}`);
    expect(hex(eventLeafHash({ ...event, data: deep }))).toBe(hex(leafHash(encodeLeaf({ ...event, data: deep }))));
  });

  it('rejects cycles and bad revisions', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeLeaf({ ...event, data: cyclic })).toThrow('cyclic');
    expect(() => encodeLeaf({ ...event, revision: -1 })).toThrow(TypeError);
    expect(() => encodeLeaf({ ...event, revision: 1.5 })).toThrow(TypeError);
    // Shared (non-cyclic) references are fine.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('encodes events larger than its reused buffer, and smaller ones after them, exactly', () => {
    // Multi-byte text: the buffer is sized by the worst case of 3 UTF-8 bytes per UTF-16 unit.
    const large: LeafEvent = { ...event, data: { note: '捐赠😀'.repeat(200_000) } };
    const bytes = encodeLeaf(large);
    expect(decodeLeaf(bytes)).toEqual(large);
    expect(hex(eventLeafHash(large))).toBe(hex(leafHash(bytes)));
    // What the large event left in the buffer must not leak into the next.
    expect(decodeLeaf(encodeLeaf(small))).toEqual(small);
    expect(hex(eventLeafHash(small))).toBe(hex(leafHash(encodeLeaf(small))));
  });

  it('hashes an event the same as hashing its encoding', () => {
    const deep: Record<string, unknown> = { level: 0 };
    let cursor = deep;
    for (let level = 1; level < 100; level++) cursor = (cursor.next = { level }) as Record<string, unknown>;
    for (const sample of [small, event, { ...event, data: deep }, { ...event, type: '', data: [], metadata: {} }]) {
      expect(hex(eventLeafHash(sample))).toBe(hex(leafHash(encodeLeaf(sample))));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => eventLeafHash({ ...event, data: cyclic })).toThrow('cyclic');
    expect(() => eventLeafHash({ ...event, streamId: 'a\uD800' })).toThrow('unpaired surrogate');
    expect(() => eventLeafHash({ ...event, revision: -1 })).toThrow(TypeError);
  });
});

/** RFC 8785 (JCS): canonicalJson writes what JCS writes for every value JCS accepts (docs/transparency-spec.md §2.2). */
describe('canonical JSON against RFC 8785', () => {
  it('formats numbers as JCS does (RFC 8785 Appendix B: IEEE 754 bits and their text)', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of vectors) expect([bits, canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))]).toEqual([bits, text]);
  });

  it('writes the example of RFC 8785 §3.2.2 (strings, literals, numbers) byte for byte', () => {
    const input = JSON.parse('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}');
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('escapes the control characters as JCS does: \\b \\t \\n \\f \\r, the others as lower-case \\u00hh', () => {
    const controls = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join('') + '\u007f"\\/';
    expect(canonicalJson(controls)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\u007f\\"\\\\/"',
    );
  });

  it('sorts keys by UTF-16 code units (the example of RFC 8785 §3.2.3), at every depth', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const sorted = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const object = Object.fromEntries(keys.map((key) => [key, 0]));
    expect(canonicalJson(object)).toBe(`{${sorted.map((key) => `${JSON.stringify(key)}:0`).join(',')}}`);
    // More keys than the insertion sort handles take Array.prototype.sort: the same order.
    const many = Object.fromEntries([...keys, ...Array.from({ length: 30 }, (_, i) => `k${i}`)].map((key) => [key, { [keys[0]]: 1, [keys[1]]: 2 }]));
    // (Object.keys would list the integer-like key "1" first whatever the text says, so the text is compared.)
    expect(canonicalJson(many)).toBe(`{${Object.keys(many).sort().map((key) => `${JSON.stringify(key)}:{"\\r":2,"€":1}`).join(',')}}`);
  });

  it('differs from JCS only where JCS refuses the input: an unpaired surrogate is written as a lower-case escape', () => {
    expect(canonicalJson({ note: 'a\ud800b' })).toBe('{"note":"a\\ud800b"}');
  });
});
