import { IntlMessageFormat } from 'intl-messageformat';
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, type Problem } from '../api';
import { en, type MessageKey } from './en';
import { problemValues } from './errors';
import { zhCN } from './zh-CN';

export const LANGUAGES = { 'zh-CN': zhCN, en } as const;
export type Language = keyof typeof LANGUAGES;
const STORAGE_KEY = 'pangolin.language';

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  /** The label of a value the API sends (a state, a category): `prefix.value`, or the raw key if none, so a missing one shows. */
  label(prefix: string, value: string): string;
  /** A refusal in this language: one of the API (by its code and parameters), a lost connection, or anything else. */
  describe(problem: Problem): string;
  /** `error` said in this language: an ApiError's message and field messages translated; any other error as "something went wrong". */
  localize(error: unknown): unknown;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && stored in LANGUAGES) return stored as Language;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Texts are ICU messages (`{name}`, plurals); tags such as `<file>` are text. A compiled message is kept. */
const compiled = new Map<string, IntlMessageFormat>();
export function formatMessage(text: string, language: Language, values?: Record<string, string | number>): string {
  const cacheKey = `${language}\u0000${text}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(text, language, undefined, { ignoreTag: true });
    compiled.set(cacheKey, format);
  }
  try {
    return String(format.format(values));
  } catch {
    // A value missing: the text with its placeholders as they are, rather than nothing.
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dictionary: Record<string, string> = LANGUAGES[language];
    const t: Translate = (key, values) => formatMessage(dictionary[key] ?? key, language, values);
    const label = (prefix: string, value: string) => dictionary[`${prefix}.${value}`] ?? `${prefix}.${value}`;
    const describe = (problem: Problem) => {
      const text = dictionary[`error.${problem.code}`];
      if (!text) return t(problem.code === 'network' ? 'error.network' : 'error.unexpected');
      return formatMessage(text, language, problemValues(problem.params, dictionary, language));
    };
    const localize = (error: unknown) => {
      if (error instanceof DOMException && error.name === 'AbortError') return error;
      if (!(error instanceof ApiError) || !error.problems.length) return new ApiError(error instanceof ApiError ? error.status : 0, t('error.unexpected'), {});
      const fieldErrors = Object.fromEntries(error.problems.filter((problem) => problem.field !== undefined).map((problem) => [problem.field!, describe(problem)]));
      return new ApiError(error.status, error.problems.map(describe).join(' '), fieldErrors, error.problems);
    };
    return { language, setLanguage, t, label, describe, localize };
  }, [language, setLanguage]);
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = value.t('app.title');
  }, [language, value]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
