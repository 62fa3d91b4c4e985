import { formatReceipt, parseReceipt, RECEIPT_FORMAT, StrictJsonError, type Receipt } from '.';

const hash = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const valid = {
  format: RECEIPT_FORMAT,
  giftId: 'g1',
  checkpoint: 'log\n1\nAAAA\n\n— log AAAA\n',
  events: [{ leafIndex: '5', leaf: 'AQID', inclusionProof: [hash(1), hash(2)] }],
};
const pretty = (json: unknown) => `${JSON.stringify(json, null, 2)}\n`;

function refusal(text: string): string {
  try {
    parseReceipt(text);
  } catch (error) {
    expect(error).toBeInstanceOf(StrictJsonError);
    return (error as Error).message;
  }
  throw new Error('expected the receipt to be refused');
}

describe('receipt format', () => {
  it('parses a receipt and writes it back to the same text', () => {
    const text = pretty(valid);
    const receipt = parseReceipt(text);
    expect(receipt).toEqual<Receipt>({
      format: RECEIPT_FORMAT,
      giftId: 'g1',
      checkpoint: valid.checkpoint,
      events: [{ leafIndex: 5n, leaf: Uint8Array.of(1, 2, 3), inclusionProof: [Buffer.alloc(32, 1), Buffer.alloc(32, 2)].map((b) => new Uint8Array(b)) }],
    });
    expect(formatReceipt(receipt)).toBe(text);
  });

  it('accepts any whitespace between tokens (a compact API answer or a pretty-printed file)', () => {
    expect(parseReceipt(JSON.stringify(valid)).giftId).toBe('g1');
    expect(parseReceipt(`\r\n ${JSON.stringify(valid, null, '\t')} \n\n`).events).toHaveLength(1);
  });

  it('reads a receipt re-saved by a standard JSON tool (keys reordered, escapes and whitespace changed) as the same receipt', () => {
    const reordered = { events: [{ inclusionProof: valid.events[0].inclusionProof, leaf: 'AQID', leafIndex: '5' }], checkpoint: valid.checkpoint, giftId: 'g1', format: valid.format };
    // Python's json.dump escapes every non-ASCII character (the checkpoint's em dash) and may escape "/".
    const asciiOnly = JSON.stringify(reordered, null, 4).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace('pangolin-receipt/1', 'pangolin-receipt\\/1');
    expect(parseReceipt(asciiOnly)).toEqual(parseReceipt(pretty(valid)));
    // Keys that merely share a name across objects are no duplicates.
    expect(parseReceipt(pretty({ ...valid, events: [valid.events[0], { ...valid.events[0], leafIndex: '6' }] })).events).toHaveLength(2);
  });

  it('reads leaf indices up to 2^64-1', () => {
    const text = pretty({ ...valid, events: [{ ...valid.events[0], leafIndex: '18446744073709551615' }] });
    expect(parseReceipt(text).events[0].leafIndex).toBe(2n ** 64n - 1n);
  });

  it.each([
    ['text that is not JSON', '{"format":', /^\$: not JSON/],
    ['an array', '[]', '$: must be an object, got an array'],
    ['an unknown key', pretty({ ...valid, extra: 1 }), '$: unknown key "extra"'],
    ['a missing key', pretty({ format: valid.format, giftId: 'g1', events: valid.events }), '$: missing key "checkpoint"'],
    ['another format', pretty({ ...valid, format: 'pangolin-receipt/2' }), '$.format: must be "pangolin-receipt/1", got "pangolin-receipt/2"'],
    ['a numeric gift id', pretty({ ...valid, giftId: 1 }), '$.giftId: must be a string, got a number'],
    ['an empty gift id', pretty({ ...valid, giftId: '' }), '$.giftId: must not be empty'],
    ['a null checkpoint', pretty({ ...valid, checkpoint: null }), '$.checkpoint: must be a string, got null'],
    ['no events', pretty({ ...valid, events: [] }), "$.events: must hold at least the gift's GiftPledged event"],
    ['events as an object', pretty({ ...valid, events: {} }), '$.events: must be an array, got an object'],
    ['an unknown event key', pretty({ ...valid, events: [{ ...valid.events[0], leafHash: hash(0) }] }), '$.events[0]: unknown key "leafHash"'],
    ['a numeric leaf index', pretty({ ...valid, events: [{ ...valid.events[0], leafIndex: 5 }] }), '$.events[0].leafIndex: must be a string, got a number'],
    ['a leaf index with a leading zero', pretty({ ...valid, events: [{ ...valid.events[0], leafIndex: '05' }] }), '$.events[0].leafIndex: "05" is not a decimal string without sign or leading zeros'],
    ['a signed leaf index', pretty({ ...valid, events: [{ ...valid.events[0], leafIndex: '+5' }] }), /^\$\.events\[0\]\.leafIndex: "\+5" is not a decimal/],
    ['a leaf index beyond 2^64-1', pretty({ ...valid, events: [{ ...valid.events[0], leafIndex: '18446744073709551616' }] }), '$.events[0].leafIndex: 18446744073709551616 exceeds 2^64-1'],
    ['base64url in a leaf', pretty({ ...valid, events: [{ ...valid.events[0], leaf: 'AQ_-' }] }), '$.events[0].leaf: is not canonical standard base64 (RFC 4648 §4, padded)'],
    ['non-zero padding bits', pretty({ ...valid, events: [{ ...valid.events[0], leaf: 'AQJ=' }] }), '$.events[0].leaf: is not canonical standard base64 (RFC 4648 §4, padded)'],
    ['unpadded base64', pretty({ ...valid, events: [{ ...valid.events[0], leaf: 'AQ' }] }), '$.events[0].leaf: is not canonical standard base64 (RFC 4648 §4, padded)'],
    ['an empty leaf', pretty({ ...valid, events: [{ ...valid.events[0], leaf: '' }] }), '$.events[0].leaf: must not be empty'],
    ['a short proof hash', pretty({ ...valid, events: [{ ...valid.events[0], inclusionProof: [hash(1), 'AQID'] }] }), '$.events[0].inclusionProof[1]: must decode to 32 bytes, got 3'],
    ['a proof that is not an array', pretty({ ...valid, events: [{ ...valid.events[0], inclusionProof: hash(1) }] }), '$.events[0].inclusionProof: must be an array, got a string'],
    ['a duplicate key', pretty(valid).replace('"giftId": "g1",', '"giftId": "g0",\n  "giftId": "g1",'), '$: the key "giftId" appears twice in one object (line 4, column 3)'],
    ['a duplicate key in an event', pretty(valid).replace('"leafIndex": "5",', '"leafIndex": "5",\n      "leafIndex": "5",'), /^\$: the key "leafIndex" appears twice in one object \(line \d+, column \d+\)$/],
  ])('refuses %s, naming the JSON path', (_, text, message) => {
    if (typeof message === 'string') expect(refusal(text)).toBe(message);
    else expect(refusal(text)).toMatch(message);
  });

  it('will not format a receipt it could not read back', () => {
    const receipt = parseReceipt(pretty(valid));
    expect(() => formatReceipt({ ...receipt, events: [] })).toThrow(StrictJsonError);
    expect(() => formatReceipt({ ...receipt, events: [{ ...receipt.events[0], inclusionProof: [Uint8Array.of(1)] }] })).toThrow('must decode to 32 bytes');
  });
});
