import { nationalIdWithChecksum } from '@pangolin/domain';
import { nationalIdDigest } from './national-id-digest';

describe('nationalIdDigest (the name of a national ID\'s reservation stream)', () => {
  it('names its stream by a keyed digest that does not show the number and differs with the key', () => {
    const id = nationalIdWithChecksum('44030519700101001');
    const key = Buffer.alloc(32, 7);
    const digest = nationalIdDigest(key, id);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(id.slice(0, 6));
    expect(nationalIdDigest(key, id)).toBe(digest);
    expect(nationalIdDigest(Buffer.alloc(32, 8), id)).not.toBe(digest);
  });
});
