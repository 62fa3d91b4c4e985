import { CLAIM_KINDS, COVERAGE_KINDS, ERROR_CODES, HOUSEHOLD_CATEGORIES, PERIL_KINDS, SEVERITY_LEVELS } from '@pangolin/domain';
import { IntlMessageFormat } from 'intl-messageformat';
import { HOUSEHOLD_CATEGORIES as WEB_CATEGORIES, PERILS } from '../api';
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

describe('the refusals of the API in every language', () => {
  it('translate every code a refusal can carry', () => {
    for (const dictionary of [en, zhCN] as Record<string, string>[]) expect(ERROR_CODES.filter((code) => !dictionary[`error.${code}`])).toEqual([]);
  });

  it('are ICU messages every language can format with their parameters', () => {
    for (const [language, dictionary] of [['en', en], ['zh-CN', zhCN]] as const) {
      for (const [key, text] of Object.entries(dictionary)) {
        const values = Object.fromEntries(placeholders(text).map((name) => [name, 'x']));
        expect([key, typeof new IntlMessageFormat(text, language, undefined, { ignoreTag: true }).format(values)]).toEqual([key, 'string']);
      }
    }
  });

  it('have no Latin words in Chinese, besides codes and names (CNY, YYYY-MM-DD, Q1, file formats, SHA-256)', () => {
    const latin = Object.entries(zhCN).filter(([key]) => key.startsWith('error.')).filter(([, text]) => /[A-Za-z]{2,}/.test(text.replace(/\{\w+\}|CNY|Q1|ID|SHA-256|PDF|JPEG|PNG|WebP/g, '')));
    expect(latin).toEqual([]);
  });
});

it('offers every peril the domain knows in the declaration form', () => {
  expect([...PERILS]).toEqual([...PERIL_KINDS]);
});

it('offers every household category the domain knows in the forms and filters', () => {
  expect([...WEB_CATEGORIES]).toEqual([...HOUSEHOLD_CATEGORIES]);
});
