import { EMPTY_ROOT, leafHash, nodeHash } from './rfc6962';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

describe('RFC 6962 hashing', () => {
  it('gives the empty tree the SHA-256 of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the known eight-leaf tree to its published root', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    let level = leaves.map((data) => leafHash(fromHex(data)));
    while (level.length > 1) {
      level = level.filter((_, i) => i % 2 === 0).map((left, i) => nodeHash(left, level[2 * i + 1]));
    }

    expect(hex(level[0])).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });
});
