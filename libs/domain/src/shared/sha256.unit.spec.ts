import { deterministicId } from './ids';
import { sha256, toHex } from './sha256';

describe('sha256 (pure, for the domain\'s name-based ids)', () => {
  it.each([
    ['the empty string (FIPS 180-4 example)', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"abc" (FIPS 180-4 one-block example)', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['the FIPS 180-4 two-block example', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ['55 bytes (the longest message padded within one block)', 'a'.repeat(55), '9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318'],
    ['56 bytes (the length spills into a second block)', 'a'.repeat(56), 'b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a'],
    ['64 bytes (a whole block, then padding)', 'a'.repeat(64), 'ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb'],
    ['non-ASCII text, hashed as UTF-8', '南山区西丽街道1号\u001fpolicy', '1bc602446ab7d94858375e0b50910c3f8d1688cf8dd544a4c4add7c9ed97cb43'],
  ])('hashes %s', (_, text, expected) => {
    expect(toHex(sha256(text))).toBe(expected);
  });

  it('gives deterministicId the ids it gave with node:crypto (recorded policy ids stay valid)', () => {
    expect(deterministicId('policy', 'hh-1', 'prod-1', '1')).toBe('41aa983f-4fe2-81a7-abd0-af3372dcc496');
  });
});
