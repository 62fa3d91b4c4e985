import type { SealedPersonalData } from '@pangolin/domain';
import { newPersonalDataKey, openPersonalData, PersonalDataUnsealFailed, sealPersonalData } from './personal-data-seal';

const personal = {
  headName: '张伟',
  headNationalId: '11010519491231002X',
  members: [{ name: '张小明', relation: 'son', nationalId: '440305201001010014' }],
  address: '南山区西丽街道1号',
};

/** Flips one bit of a base64 field. */
function flipped(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 0x01;
  return bytes.toString('base64');
}

describe('sealed personal data (AES-256-GCM, household id bound)', () => {
  const key = newPersonalDataKey();

  it('opens what it sealed, with the same key for the same household', () => {
    const sealed = sealPersonalData(personal, key, 'hh-1');
    expect(openPersonalData(sealed, key, 'hh-1')).toEqual(personal);
  });

  it('is JSON-safe and shows none of the plaintext', () => {
    const sealed = sealPersonalData(personal, key, 'hh-1');
    expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'iv', 'sealed', 'tag']);
    expect(sealed.sealed).toBe('aes-256-gcm/1');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    const text = JSON.stringify(sealed);
    expect(JSON.parse(text)).toEqual(sealed);
    for (const secret of ['张伟', '11010519491231002X', '西丽', 'son', Buffer.from('张伟').toString('base64')]) expect(text).not.toContain(secret);
  });

  it('uses a fresh IV each time, so equal data seals differently', () => {
    const first = sealPersonalData(personal, key, 'hh-1');
    const second = sealPersonalData(personal, key, 'hh-1');
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
  });

  it('refuses to open for another household (the id is authenticated)', () => {
    const sealed = sealPersonalData(personal, key, 'hh-1');
    expect(() => openPersonalData(sealed, key, 'hh-2')).toThrow(PersonalDataUnsealFailed);
  });

  it('refuses to open with another key', () => {
    const sealed = sealPersonalData(personal, key, 'hh-1');
    expect(() => openPersonalData(sealed, newPersonalDataKey(), 'hh-1')).toThrow(/does not open: authentication failed/);
  });

  it.each<[string, (sealed: SealedPersonalData) => SealedPersonalData]>([
    ['tag', (sealed) => ({ ...sealed, tag: flipped(sealed.tag) })],
    ['ciphertext', (sealed) => ({ ...sealed, ciphertext: flipped(sealed.ciphertext) })],
    ['iv', (sealed) => ({ ...sealed, iv: flipped(sealed.iv) })],
  ])('refuses a tampered %s', (_, tamper) => {
    const sealed = sealPersonalData(personal, key, 'hh-1');
    expect(() => openPersonalData(tamper(sealed), key, 'hh-1')).toThrow(PersonalDataUnsealFailed);
  });

  it('refuses what is not sealed, a truncated tag and a key of the wrong size', () => {
    const sealed = sealPersonalData(personal, key, 'hh-1');
    expect(() => openPersonalData(personal as unknown as SealedPersonalData, key, 'hh-1')).toThrow(/not sealed as aes-256-gcm\/1/);
    expect(() => openPersonalData({ ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 8).toString('base64') }, key, 'hh-1')).toThrow(/tag must be 16 bytes/);
    expect(() => sealPersonalData(personal, key.subarray(0, 16), 'hh-1')).toThrow(/must be 32 bytes/);
  });
});
