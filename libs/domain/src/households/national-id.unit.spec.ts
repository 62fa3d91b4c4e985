import { isValidNationalId, nationalIdWithChecksum } from './national-id';

describe('PRC resident identity numbers', () => {
  it('computes the ISO 7064 MOD 11-2 check character, X standing for 10', () => {
    // The specimen number published with GB 11643-1999.
    expect(nationalIdWithChecksum('11010519491231002')).toBe('11010519491231002X');
    // Weighted digit sum 248; 248 mod 11 = 6 maps to check character 6.
    expect(nationalIdWithChecksum('44030519900307123')).toBe('440305199003071236');
  });

  it('accepts a number whose check character matches', () => {
    expect(isValidNationalId('11010519491231002X')).toBe(true);
    expect(isValidNationalId(nationalIdWithChecksum('44030520000229001'))).toBe(true);
  });

  it('rejects a wrong check character', () => {
    expect(isValidNationalId('110105194912310021')).toBe(false);
    expect(isValidNationalId('440305199003071234')).toBe(false);
  });

  it('rejects a lower-case x, wrong lengths and non-digits', () => {
    expect(isValidNationalId('11010519491231002x')).toBe(false);
    expect(isValidNationalId('11010519491231002')).toBe(false);
    expect(isValidNationalId('11010519491231002X0')).toBe(false);
    expect(isValidNationalId('1101051949123100AX')).toBe(false);
  });

  it('rejects birth dates that are not calendar dates or before 1900, even with a correct checksum', () => {
    expect(isValidNationalId(nationalIdWithChecksum('44030519990229001'))).toBe(false);
    expect(isValidNationalId(nationalIdWithChecksum('44030519901301001'))).toBe(false);
    expect(isValidNationalId(nationalIdWithChecksum('44030518991231001'))).toBe(false);
  });

  it('refuses to complete anything but 17 digits', () => {
    expect(() => nationalIdWithChecksum('4403051990030712')).toThrow(/17 digits/);
    expect(() => nationalIdWithChecksum('4403051990030712X')).toThrow(/17 digits/);
  });
});
