import { useState } from 'react';
import type { Money } from '../api';
import { DataTable, Filters, Loading, Pager, Section, usePages, useRefresh, type Column } from '../components/common';
import { Field } from '../components/form';
import { formatDate, formatMoney, today } from '../format';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

/** Issues in flight at once: quick for a township's requests, gentle on the platform. */
const PARALLEL = 4;
/** The first serial number: digits (their count is the width every number keeps, 0001, 0002…). */
const SERIAL = /^\d{1,9}$/;

/** A requested policy as GET /insurer/policies?status=requested lists it. */
interface RequestedPolicy {
  policyId: string;
  premium: Money;
  requestedAt: string;
  household: { householdCode: string };
}

interface Row {
  policyId: string;
  householdCode: string;
  policyNumber: string;
  status: 'waiting' | 'issued' | 'failed';
  message?: string;
}
interface Run {
  startDate: string;
  rows: Row[];
  running: boolean;
  done: number;
  total: number;
}

/**
 * The insurer issues several requested (fully funded) policies in one go: it picks them in its
 * queue, gives the series their numbers follow and the first day of cover, and each is issued with
 * POST /policies/:id/issue, with progress and each row's refusal. Every request carries an
 * Idempotency-Key of its policy, so running the batch again (after a lost connection, say) gets
 * the first answers back and issues nothing twice.
 */
export function BulkIssue() {
  const { t, language } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  const requested = usePages<RequestedPolicy>('/insurer/policies?status=requested');
  const [selected, setSelected] = useState<Map<string, RequestedPolicy>>(new Map());
  const [prefix, setPrefix] = useState('');
  const [first, setFirst] = useState('1');
  const [startDate, setStartDate] = useState(today());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [run, setRun] = useState<Run>();

  const order = [...selected.keys()];
  const numberAt = (index: number) => `${prefix.trim()}${String(Number(first) + index).padStart(first.length, '0')}`;
  const toggle = (policy: RequestedPolicy, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(policy.policyId, policy);
      else next.delete(policy.policyId);
      return next;
    });

  /** Issues the rows not yet issued, PARALLEL at a time, each under its policy's Idempotency-Key. */
  const issue = async (rows: Row[], day: string) => {
    const todo = rows.filter((row) => row.status !== 'issued');
    const update = (policyId: string, change: Partial<Row>) =>
      setRun((current) => current && { ...current, done: current.done + 1, rows: current.rows.map((row) => (row.policyId === policyId ? { ...row, ...change } : row)) });
    setRun({ startDate: day, running: true, done: 0, total: todo.length, rows: rows.map((row) => (row.status === 'issued' ? row : { ...row, status: 'waiting', message: undefined })) });
    const issueOne = async (row: Row) => {
      try {
        await post(`/policies/${row.policyId}/issue`, { policyNumber: row.policyNumber, startDate: day }, { 'idempotency-key': `issue-${row.policyId}` });
        update(row.policyId, { status: 'issued' });
      } catch (failure) {
        update(row.policyId, { status: 'failed', message: failure instanceof Error ? failure.message : String(failure) });
      }
    };
    const queue = [...todo];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let row = queue.shift(); row !== undefined; row = queue.shift()) await issueOne(row);
      }),
    );
    setRun((current) => current && { ...current, running: false });
    setSelected(new Map());
    refresh();
  };

  const start = () => {
    const problems: Record<string, string> = {};
    if (!prefix.trim()) problems.prefix = t('bulk.prefixNeeded');
    if (!SERIAL.test(first)) problems.first = t('bulk.firstNeeded');
    setErrors(problems);
    if (Object.keys(problems).length) return;
    void issue(order.map((policyId, index) => ({ policyId, householdCode: selected.get(policyId)!.household.householdCode, policyNumber: numberAt(index), status: 'waiting' })), startDate);
  };

  if (run) return <BatchRun run={run} retry={() => issue(run.rows, run.startDate)} close={() => setRun(undefined)} />;

  const pageItems = requested.items ?? [];
  const columns: Column<RequestedPolicy>[] = [
    {
      id: 'select',
      header: t('bulk.selected'),
      cell: (policy) => <input type="checkbox" aria-label={t('bulk.select', { code: policy.household.householdCode })} checked={selected.has(policy.policyId)} onChange={(event) => toggle(policy, event.target.checked)} />,
    },
    { id: 'household', header: t('claim.household'), rowHeader: true, cell: (policy) => policy.household.householdCode },
    { id: 'premium', header: t('bulk.premium'), cell: (policy) => formatMoney(policy.premium, language) },
    { id: 'requested', header: t('bulk.requestedOn'), cell: (policy) => formatDate(policy.requestedAt, language) },
    {
      id: 'number',
      header: t('bulk.number'),
      cell: (policy) => {
        const index = order.indexOf(policy.policyId);
        return index < 0 || !prefix.trim() || !SERIAL.test(first) ? '—' : numberAt(index);
      },
    },
  ];
  return (
    <Section title={t('bulk.title')} id="insurer-bulk-issue">
      <p>{t('bulk.intro')}</p>
      {!requested.items ? (
        <Loading error={requested.error} />
      ) : pageItems.length === 0 && requested.pageNumber === 1 ? (
        <p className="muted">{t('bulk.noneRequested')}</p>
      ) : (
        <>
          <p className="actions">
            <button type="button" className="secondary" onClick={() => pageItems.forEach((policy) => toggle(policy, true))}>
              {t('bulk.selectPage')}
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setSelected(new Map())} disabled={selected.size === 0}>
              {t('bulk.clearSelection')}
            </button>
          </p>
          <DataTable label={t('bulk.title')} testId="requested-policies" columns={columns} rows={pageItems} rowKey={(policy) => policy.policyId} rowAttributes={(policy) => ({ 'data-household-code': policy.household.householdCode })} />
          <Pager list={requested} label={t('bulk.title')} />
          <Filters>
            <Field label={t('bulk.prefix')} name="prefix" value={prefix} onChange={setPrefix} hint={t('bulk.prefixHint')} error={errors.prefix} />
            <Field label={t('bulk.first')} name="first" inputMode="numeric" value={first} onChange={setFirst} hint={t('bulk.firstHint')} error={errors.first} />
            <Field label={t('bulk.startDate')} name="bulkStartDate" type="date" value={startDate} onChange={setStartDate} hint={t('bulk.startDateHint')} />
          </Filters>
          <button type="button" onClick={start} disabled={selected.size === 0}>
            {t('bulk.issue', { count: selected.size })}
          </button>
        </>
      )}
    </Section>
  );
}

/** A batch being issued (with progress) or issued (each row's result; the failed ones may be tried again). */
function BatchRun({ run, retry, close }: { run: Run; retry(): void; close(): void }) {
  const { t } = useI18n();
  const issued = run.rows.filter((row) => row.status === 'issued').length;
  const failed = run.rows.filter((row) => row.status === 'failed').length;
  const columns: Column<Row>[] = [
    { id: 'household', header: t('claim.household'), rowHeader: true, cell: (row) => row.householdCode },
    { id: 'number', header: t('insurer.policyNumber'), cell: (row) => row.policyNumber },
    {
      id: 'result',
      header: t('bulk.result'),
      cell: (row) => (row.status === 'failed' ? <span className="field-error">{row.message}</span> : t(`bulk.status.${row.status}`)),
    },
  ];
  return (
    <Section title={t('bulk.title')} id="insurer-bulk-issue">
      {run.running ? (
        <p role="status" aria-live="polite">
          <progress value={run.done} max={run.total} aria-label={t('bulk.issuing')} /> {t('bulk.progress', { done: run.done, total: run.total })}
        </p>
      ) : (
        <div role="status" data-testid="bulk-done">
          <p>{t('bulk.done', { issued, total: run.rows.length })}</p>
          {failed > 0 && <p className="field-error">{t('bulk.someFailed', { count: failed })}</p>}
        </div>
      )}
      <DataTable label={t('bulk.batch')} testId="bulk-rows" columns={columns} rows={run.rows} rowKey={(row) => row.policyId} rowAttributes={(row) => ({ 'data-status': row.status, 'data-household-code': row.householdCode })} />
      {!run.running && (
        <p className="actions">
          {failed > 0 && (
            <button type="button" onClick={retry}>
              {t('bulk.retry', { count: failed })}
            </button>
          )}{' '}
          <button type="button" className="secondary" onClick={close}>
            {t('bulk.close')}
          </button>
        </p>
      )}
    </Section>
  );
}
