import { CLAIM_KINDS, COVERAGE_KINDS, HOUSEHOLD_CATEGORIES, PERIL_KINDS, SEVERITY_LEVELS } from '@pangolin/domain';
import { PERILS } from '../api';
import { en } from './en';
import { zhCN } from './zh-CN';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the web application dictionaries', () => {
  it('have the same keys in every language', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('fill in the same placeholders in every language, and leave no text empty', () => {
    for (const [key, text] of Object.entries(en)) {
      expect([key, placeholders(zhCN[key as keyof typeof en])]).toEqual([key, placeholders(text)]);
      expect([key, text.trim().length > 0, zhCN[key as keyof typeof en].trim().length > 0]).toEqual([key, true, true]);
    }
  });

  it("name every household category, claim kind, coverage kind, peril and response level the domain knows", () => {
    const expected = [
      ...HOUSEHOLD_CATEGORIES.map((c) => `category.${c}`), ...CLAIM_KINDS.map((k) => `claimKind.${k}`), ...COVERAGE_KINDS.map((k) => `coverageKind.${k}`),
      ...PERIL_KINDS.map((p) => `peril.${p}`), ...SEVERITY_LEVELS.map((s) => `severity.${s}`),
    ];
    expect(expected.filter((key) => !(key in en))).toEqual([]);
  });
});

it('offers every peril the domain knows in the declaration form', () => {
  expect([...PERILS]).toEqual([...PERIL_KINDS]);
});
