import { RegionNames } from './region-names';

describe('region names from a division code table', () => {
  it("reads the statistics bureau's 12-digit table, with or without the urban-rural class, at each division's own length", () => {
    const names = RegionNames.parse('\uFEFF统计用区划代码,城乡分类代码,名称\n440305000000,南山区\n440305001000,南头街道\r\n440305001001,111,红花园社区\n\n', 'table.csv');
    expect(names.namesOf(['440305', '440305001', '440305001001', '440305001002'])).toEqual({ '440305': '南山区', '440305001': '南头街道', '440305001001': '红花园社区' });
  });

  it('reads the 6-digit GB/T 2260 table, tab-separated', () => {
    const names = RegionNames.parse('440000\t广东省\n440300\t深圳市\n440305\t南山区\n', 'gbt2260.txt');
    expect(names.namesOf(['44', '4403', '440305'])).toEqual({ '44': '广东省', '4403': '深圳市', '440305': '南山区' });
  });

  it.each([
    ['440305000000', 'line 1: expected "code,name" or "code,class,name", found 1 fields'],
    ['440305000000,南山区\n44030500,南山', 'line 2: "44030500" is not a division code'],
    ['440305000000,南山区\n440306000000,', 'line 2: the name must be 1-100 characters'],
    ['440305000000,a,b,c', 'line 1: expected "code,name" or "code,class,name", found 4 fields'],
    [`440305000000,${'长'.repeat(101)}`, 'line 1: the name must be 1-100 characters'],
    ['440305000000,\uD800', 'line 1: the name must be 1-100 characters of well-formed text'],
  ])('refuses a malformed table, naming the line: %j', (text, message) => {
    expect(() => RegionNames.parse(text, 'table.csv')).toThrow(`table.csv ${message}`);
  });
});
