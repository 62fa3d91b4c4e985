import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import { ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { PAGE_SIZE, pageAfter, type Page } from '../api';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

/** One answer of the API (undefined `path`: nothing to ask yet), cached under its path. */
export function useApi<T>(path: string | undefined): { data: T | undefined; error: string | undefined } {
  const { get } = useSession();
  const query = useQuery({ queryKey: [path], queryFn: ({ signal }) => get<T>(path!, signal), enabled: path !== undefined });
  return { data: query.data, error: errorText(query.error) };
}

/** After a command: every cached answer is stale, and those on screen are asked again. */
export function useRefresh(): () => void {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries();
}

function errorText(error: Error | null): string | undefined {
  return error ? error.message : undefined;
}

export interface Paged<T, A extends Page<T>> {
  /** The page shown (the previous one stays on screen while the next loads). */
  answer: A | undefined;
  items: T[] | undefined;
  error: string | undefined;
  /** 1 for the first page. */
  pageNumber: number;
  loading: boolean;
  next: (() => void) | undefined;
  previous: (() => void) | undefined;
}

/**
 * A list shown one page at a time (`path` with its filters; undefined for nothing to ask yet).
 * The cursors of the pages before the one shown are kept, so "previous" goes back without the API
 * paging backwards; a new `path` (a filter or search changed) starts again from the first page.
 * A page whose filters changed meanwhile is cancelled (its AbortSignal), so typing never piles up
 * requests.
 */
export function usePages<T, A extends Page<T> = Page<T>>(listPath: string | undefined): Paged<T, A> {
  const { get } = useSession();
  const path = listPath === undefined ? undefined : withQuery(listPath, { limit: String(PAGE_SIZE) });
  const [trail, setTrail] = useState<{ path: string | undefined; cursors: string[] }>({ path, cursors: [] });
  const cursors = trail.path === path ? trail.cursors : [];
  const cursor = cursors.at(-1);
  const query = useQuery({
    queryKey: [path, cursor ?? null],
    queryFn: ({ signal }) => get<A>(cursor ? pageAfter(path!, cursor) : path!, signal),
    enabled: path !== undefined,
    placeholderData: keepPreviousData,
  });
  const nextCursor = query.isPlaceholderData ? null : query.data?.nextCursor;
  return {
    answer: query.data,
    items: query.data?.items,
    error: errorText(query.error),
    pageNumber: cursors.length + 1,
    loading: query.isFetching,
    next: nextCursor ? () => setTrail({ path, cursors: [...cursors, nextCursor] }) : undefined,
    previous: cursors.length ? () => setTrail({ path, cursors: cursors.slice(0, -1) }) : undefined,
  };
}

/** A list whose first page came inside another answer (a gift's allocations): `more()` appends its next page from `path`. */
export function useContinuedList<T>(path: string, first: Page<T>): { items: T[]; error: string | undefined; more: (() => void) | undefined } {
  const { get } = useSession();
  const query = useInfiniteQuery({
    queryKey: [path, 'continued'],
    queryFn: ({ pageParam, signal }) => get<Page<T>>(pageParam ? pageAfter(path, pageParam) : path, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [first], pageParams: [null] },
  });
  const pages = query.data?.pages ?? [first];
  return {
    items: pages.flatMap((page) => page.items),
    error: errorText(query.error),
    more: query.hasNextPage && !query.isFetchingNextPage ? () => void query.fetchNextPage() : undefined,
  };
}

/** `value`, once it has stopped changing for `delay` ms: a search asks the API when the typing pauses. */
export function useDebounced<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** `path` with the query parameters that have a value. */
export function withQuery(path: string, parameters: Record<string, string | undefined>): string {
  const query = new URLSearchParams(Object.entries(parameters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const text = query.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
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

/** Previous / next page of a paged list, and which page is shown. */
export function Pager({ list, label }: { list: Paged<unknown, Page<unknown>>; label: string }) {
  const { t } = useI18n();
  if (!list.previous && !list.next && list.pageNumber === 1) return null;
  return (
    <nav className="pager" aria-label={t('common.pagesOf', { list: label })}>
      <button type="button" className="secondary" onClick={list.previous} disabled={!list.previous} data-pager="previous">
        {t('common.previous')}
      </button>
      <span aria-live="polite" data-pager="page">
        {t('common.page', { n: list.pageNumber })}
      </span>
      <button type="button" className="secondary" onClick={list.next} disabled={!list.next} data-pager="next">
        {t('common.next')}
      </button>
    </nav>
  );
}

/** A search box and filters above a list; the filters wrap on a narrow screen. */
export function Filters({ children }: { children: ReactNode }) {
  return <div className="filters">{children}</div>;
}

/** A search box (`maxLength`: the API's limit for it); the caller debounces what is typed before asking the API. */
export function SearchField({ label, value, onChange, hint, maxLength }: { label: string; value: string; onChange(value: string): void; hint?: string; maxLength: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" maxLength={maxLength} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
    </div>
  );
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

/** A column of a DataTable: its header, what a row shows in it, and whether it names the row. */
export interface Column<T> {
  id: string;
  header: string;
  cell(row: T): ReactNode;
  /** The row's name (a `th scope="row"`). */
  rowHeader?: boolean;
}

const features = tableFeatures({});

/**
 * A table (TanStack Table) that becomes a list of cards on a narrow screen: each cell then shows
 * its column's header before it (`data-label`), so nothing is clipped and the page never scrolls
 * sideways. Each row carries its key as `data-key`.
 */
export function DataTable<T extends RowData>({ columns, rows, label, testId, rowKey, rowAttributes, caption }: { columns: Column<T>[]; rows: T[]; label: string; testId?: string; rowKey(row: T): string; rowAttributes?(row: T): Record<string, string>; caption?: string }) {
  const definitions = useMemo<ColumnDef<typeof features, T>[]>(() => columns.map((column) => ({ id: column.id, header: column.header, cell: (context) => column.cell(context.row.original) })), [columns]);
  const table = useTable({ features, columns: definitions, data: rows, getRowId: rowKey });
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className="data-table">
        {caption && <caption>{caption}</caption>}
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  <table.FlexRender header={header} />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody data-testid={testId}>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-key={row.id} {...rowAttributes?.(row.original)}>
              {row.getAllCells().map((cell, index) => {
                const column = columns[index];
                const content = <table.FlexRender cell={cell} />;
                return column.rowHeader ? (
                  <th key={cell.id} scope="row" data-label={column.header}>
                    {content}
                  </th>
                ) : (
                  <td key={cell.id} data-label={column.header}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
