import { ReactNode, useCallback, useEffect, useState } from 'react';
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
