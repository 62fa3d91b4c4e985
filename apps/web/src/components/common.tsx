import { ReactNode, useCallback, useEffect, useState } from 'react';
import { pageAfter, type Page } from '../api';
import { useI18n } from '../i18n/i18n';

/** Loads from the API on mount and whenever `reload()` is called or a dependency changes. */
export function useLoad<T>(load: () => Promise<T>, dependencies: unknown[]): { data: T | undefined; error: string | undefined; reload(): void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (answer) => current && (setData(answer), setError(undefined)),
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...dependencies, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload };
}

/**
 * A paged list (`path`, undefined for none): its first page, and `more()` while there is a next
 * page, which appends it. A reload starts again from the first page. `answer` is the first page's
 * answer with the items shown so far (a list may answer more than its page, e.g. the ledger's total).
 */
export function usePagedList<T, A extends Page<T> = Page<T>>(
  get: (path: string) => Promise<A>,
  path: string | undefined,
  dependencies: unknown[] = [],
): { data: T[] | undefined; answer: A | undefined; error: string | undefined; more: (() => void) | undefined; reload(): void } {
  const [list, setList] = useState<A>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    (path === undefined ? Promise.resolve({ items: [], nextCursor: null } as Page<T> as A) : get(path)).then(
      (page) => current && (setList(page), setError(undefined)),
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, ...dependencies, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const next = list?.nextCursor;
  const more =
    path !== undefined && next
      ? () =>
          get(pageAfter(path, next)).then(
            (page) => setList((shown) => (shown ? { ...shown, items: [...shown.items, ...page.items], nextCursor: page.nextCursor } : page)),
            (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
          )
      : undefined;
  return { data: list?.items, answer: list, error, more, reload };
}

/** A list whose first page came inside another answer (a gift's allocations): `more()` appends its next page from `path`. */
export function useContinuedList<T>(get: (path: string) => Promise<Page<T>>, path: string, first: Page<T>): { items: T[]; error: string | undefined; more: (() => void) | undefined } {
  const [list, setList] = useState(first);
  const [error, setError] = useState<string>();
  // A reloaded answer brings a new first page.
  useEffect(() => setList(first), [first]);
  const next = list.nextCursor;
  const more = next
    ? () =>
        get(pageAfter(path, next)).then(
          (page) => setList((shown) => ({ items: [...shown.items, ...page.items], nextCursor: page.nextCursor })),
          (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
        )
    : undefined;
  return { items: list.items, error, more };
}

/** The button that shows a list's next page, while it has one. */
export function MoreButton({ more }: { more: (() => void) | undefined }) {
  const { t } = useI18n();
  return more ? (
    <button type="button" className="secondary" onClick={more}>
      {t('common.more')}
    </button>
  ) : null;
}

export function Loading({ error }: { error?: string }) {
  const { t } = useI18n();
  if (error) return <p className="field-error" role="alert">{t('common.loadFailed', { error })}</p>;
  return <p className="muted" aria-live="polite">{t('common.loading')}</p>;
}

export function Stat({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" aria-labelledby={id ? `${id}-title` : undefined} id={id}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/** Tables scroll sideways inside their card on a narrow screen instead of widening the page. */
export function TableWrap({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}
