import {
  CheckpointError,
  formatCheckpoint,
  generateSignerKey,
  openNote,
  parseCheckpoint,
  signNote,
} from '@pangolin/transparency';

// The example checkpoint of c2sp.org/tlog-checkpoint.
const SPEC_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_ROOT = Uint8Array.from(Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'));
const ROOT_LINE = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';

describe('formatCheckpoint and parseCheckpoint', () => {
  it('formats the spec example byte for byte and parses it back', () => {
    expect(formatCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163n, rootHash: SPEC_ROOT })).toBe(
      SPEC_TEXT,
    );
    expect(parseCheckpoint(SPEC_TEXT)).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163n,
      rootHash: SPEC_ROOT,
      extensionLines: [],
    });
  });

  it.each([0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n])('round-trips tree size %s exactly', (size) => {
    const text = formatCheckpoint({ origin: 'pangolin.example/log', size, rootHash: new Uint8Array(32) });
    expect(parseCheckpoint(text).size).toBe(size);
  });

  it('keeps extension lines', () => {
    expect(parseCheckpoint(`${SPEC_TEXT}ext one\next two\n`).extensionLines).toEqual(['ext one', 'ext two']);
  });

  it('survives signing and opening as a note', () => {
    const { signerKey, verifierKey } = generateSignerKey('pangolin.example/log');
    const checkpoint = { origin: 'pangolin.example/log', size: 9007199254740993n, rootHash: SPEC_ROOT };
    const opened = openNote(signNote(formatCheckpoint(checkpoint), signerKey), [verifierKey]);
    expect(parseCheckpoint(opened.text)).toEqual({ ...checkpoint, extensionLines: [] });
  });

  it.each([
    ['no final newline', SPEC_TEXT.slice(0, -1), 'must end with a newline'],
    ['only two lines', 'example.com/log\n5\n', 'at least 3 lines'],
    ['an empty origin', `\n5\n${ROOT_LINE}\n`, 'origin must be non-empty'],
    ['a control character in the origin', `log\u0007\n5\n${ROOT_LINE}\n`, 'control character'],
    ['a leading zero', `log\n05\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['a double zero', `log\n00\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['a sign', `log\n+5\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['a negative size', `log\n-5\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['a space in the size', `log\n 5\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['a hex size', `log\n0x5\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['an empty size', `log\n\n${ROOT_LINE}\n`, 'not a decimal without leading zeros'],
    ['a size beyond uint64', `log\n18446744073709551616\n${ROOT_LINE}\n`, 'exceeds 2^64-1'],
    ['a 31-byte root', `log\n5\n${Buffer.alloc(31).toString('base64')}\n`, 'base64 of 32 bytes'],
    ['a 33-byte root', `log\n5\n${Buffer.alloc(33).toString('base64')}\n`, 'base64 of 32 bytes'],
    ['a root without padding', `log\n5\n${ROOT_LINE.slice(0, -1)}\n`, 'base64 of 32 bytes'],
    ['a base64url root', `log\n5\n${Buffer.alloc(32, 0xff).toString('base64url')}=\n`, 'base64 of 32 bytes'],
    ['non-zero padding bits in the root', `log\n5\n${ROOT_LINE.replace('2I=', '2J=')}\n`, 'base64 of 32 bytes'],
    ['an empty extension line', `${SPEC_TEXT}\nlate\n`, 'extension lines must be non-empty'],
  ])('refuses a checkpoint with %s', (_, text, expectedMessage) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
    expect(() => parseCheckpoint(text)).toThrow(expectedMessage);
  });

  it.each([
    ['an empty origin', { origin: '', size: 1n, rootHash: SPEC_ROOT }, 'origin must be non-empty'],
    ['a newline in the origin', { origin: 'a\nb', size: 1n, rootHash: SPEC_ROOT }, 'control character'],
    ['a negative size', { origin: 'log', size: -1n, rootHash: SPEC_ROOT }, 'outside 0..2^64-1'],
    ['a size beyond uint64', { origin: 'log', size: 2n ** 64n, rootHash: SPEC_ROOT }, 'outside 0..2^64-1'],
    ['a short root hash', { origin: 'log', size: 1n, rootHash: new Uint8Array(20) }, 'must be 32 bytes, got 20'],
  ])('refuses to format a checkpoint with %s', (_, checkpoint, expectedMessage) => {
    expect(() => formatCheckpoint(checkpoint)).toThrow(CheckpointError);
    expect(() => formatCheckpoint(checkpoint)).toThrow(expectedMessage);
  });
});
