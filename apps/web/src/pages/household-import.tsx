import { useState, type ChangeEvent } from 'react';
import { ApiError, type Problem } from '../api';
import { Section, useRefresh } from '../components/common';
import { FieldError } from '../components/form';
import { en } from '../i18n/en';
import { useI18n } from '../i18n/i18n';
import { zhCN } from '../i18n/zh-CN';
import { useSession } from '../session';

/** The API checks at most this many rows per request. */
const CHECK_CHUNK = 500;
/** Rows registered per request (the API takes at most 200): the progress moves a chunk at a time. */
const REGISTER_CHUNK = 100;
/** The largest file read (some 50,000 rows): a larger one is refused before it is read, rather than held whole in the page. */
const MAX_FILE_MEGABYTES = 5;
const MAX_FILE_BYTES = MAX_FILE_MEGABYTES * 1024 * 1024;
/** The file types read: by their name's ending (a file dropped or chosen as "all files" may be anything). */
const FILE_TYPE = /\.(csv|xlsx)$/i;

const CATEGORIES = ['low-income', 'disabled', 'elderly-alone', 'orphan', 'disaster-affected'] as const;

/** The columns of an import file: the English name, or the Chinese one the template uses. */
const COLUMNS = {
  villageCode: ['villageCode', '村社区代码'],
  category: ['category', '类别'],
  headName: ['headName', '户主姓名'],
  headNationalId: ['headNationalId', '户主身份证号'],
  address: ['address', '地址'],
  members: ['members', '家庭成员'],
} as const;

const TEMPLATE = `${Object.values(COLUMNS).map(([, zh]) => zh).join(',')}\n440305001001,低收入,张伟,440305197001010016,南山区南头街道红花园社区 1 号,李娜:配偶;张小明:子女\n`;

interface Registration {
  villageCode: string;
  category: string;
  personal: { headName: string; headNationalId: string; address: string; members: { name: string; relation: string; nationalId?: string }[] };
}
/** A row's check (or registration) as the API answers it: each broken rule of its fields, or the domain's refusal, each with its code and parameters. */
interface RowCheck {
  row: number;
  ok: boolean;
  violations?: { field: string; code: string; params?: Record<string, unknown>; message: string }[];
  reason?: string;
  code?: string;
  params?: Record<string, unknown>;
}
/** A category as the file gives it: its code, or its name in either language. */
function categoryOf(text: string): string {
  return CATEGORIES.find((value) => [value, en[`category.${value}`], zhCN[`category.${value}`]].includes(text)) ?? text;
}

type Step = { kind: 'idle' } | { kind: 'checking'; done: number; total: number } | { kind: 'checked'; rows: Registration[]; checks: RowCheck[]; digest: string } | { kind: 'importing'; done: number; total: number } | { kind: 'imported'; imported: number; failed: { row: number; message: string }[] };

/**
 * The file's rows as text cells. The readers are fetched when a file is chosen, not with the page:
 * most visits never import, and the spreadsheet reader is the largest library of the application.
 */
async function readTable(file: File): Promise<string[][]> {
  if (file.name.toLowerCase().endsWith('.xlsx')) {
    const { readSheet } = await import('read-excel-file/browser');
    return ((await readSheet(file)) as unknown[][]).map((cells) => cells.map((cell) => (cell === null ? '' : String(cell))));
  }
  const { default: Papa } = await import('papaparse');
  return Papa.parse<string[]>(await file.text(), { skipEmptyLines: 'greedy' }).data;
}

/**
 * Households registered from a CSV or XLSX file: every row checked by the API first (nothing is
 * written), each bad row reported; then, as the officer chooses, all of them, only the good rows, or
 * none are registered, a chunk of rows per request, with progress. The file's digest and each row's
 * index give the row's household its id, so importing the same file again (or sending a chunk again
 * after its answer was lost) registers nobody twice.
 */
export function HouseholdImport() {
  const { t, language, describe } = useI18n();
  const { post } = useSession();
  const refresh = useRefresh();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [verify, setVerify] = useState(true);
  const [error, setError] = useState<string>();

  const read = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared, so choosing the same file again (after a fix, or to re-run it) is read again.
    event.target.value = '';
    setError(undefined);
    if (!file) return;
    if (!FILE_TYPE.test(file.name)) return setError(t('import.wrongType'));
    if (file.size > MAX_FILE_BYTES) return setError(t('import.tooLarge', { size: new Intl.NumberFormat(language, { style: 'unit', unit: 'megabyte' }).format(MAX_FILE_MEGABYTES) }));
    if (file.size === 0) return setError(t('import.emptyFile'));
    try {
      const table = await readTable(file);
      if (table.length === 0) return setError(t('import.emptyFile'));
      const [header = [], ...body] = table;
      const index = Object.fromEntries(Object.entries(COLUMNS).map(([key, names]) => [key, header.findIndex((name) => (names as readonly string[]).includes(name.trim()))])) as Record<keyof typeof COLUMNS, number>;
      // Each missing column by the name of the page's language (the file may use either).
      const missing = Object.entries(index).filter(([key, at]) => at < 0 && key !== 'members').map(([key]) => COLUMNS[key as keyof typeof COLUMNS][language === 'en' ? 0 : 1]);
      if (missing.length) return setError(t('import.missingColumns', { columns: new Intl.ListFormat(language, { type: 'conjunction' }).format(missing) }));
      if (body.length === 0) return setError(t('import.empty'));
      const cell = (cells: string[], key: keyof typeof COLUMNS) => (index[key] < 0 ? '' : (cells[index[key]] ?? '').trim());
      const rows: Registration[] = body.map((cells) => ({
        villageCode: cell(cells, 'villageCode'),
        category: categoryOf(cell(cells, 'category')),
        personal: {
          headName: cell(cells, 'headName'),
          headNationalId: cell(cells, 'headNationalId').toUpperCase(),
          address: cell(cells, 'address'),
          members: cell(cells, 'members')
            .split(/[;；]/)
            .map((member) => member.trim())
            .filter(Boolean)
            .map((member) => {
              const [name = '', relation = '', nationalId] = member.split(/[:：]/).map((part) => part.trim());
              return nationalId ? { name, relation, nationalId: nationalId.toUpperCase() } : { name, relation };
            }),
        },
      }));
      const checks: RowCheck[] = [];
      setStep({ kind: 'checking', done: 0, total: rows.length });
      for (let start = 0; start < rows.length; start += CHECK_CHUNK) {
        const answer = await post<{ results: RowCheck[] }>('/households/imports/check', { rows: rows.slice(start, start + CHECK_CHUNK) });
        // A number repeated in the file names its first row: counted, like the check's own, from this request's first row.
        checks.push(...answer.results.map((check) => ({ ...check, row: check.row + start, ...(check.code === 'household.import-repeated-id' && check.params ? { params: { ...check.params, row: Number(check.params.row) + start } } : {}) })));
        setStep({ kind: 'checking', done: checks.length, total: rows.length });
      }
      const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())), (byte) => byte.toString(16).padStart(2, '0')).join('').slice(0, 32);
      setStep({ kind: 'checked', rows, checks, digest });
    } catch (failure) {
      setStep({ kind: 'idle' });
      // The API's refusals come said in the page's language; anything else is a file that cannot be read as a sheet.
      setError(failure instanceof ApiError ? failure.message : t('import.unreadable'));
    }
  };

  /**
   * Registers the good rows, REGISTER_CHUNK per request, verifying each if asked. A chunk whose
   * request got no answer (the network, or the server failing) is sent once more: the rows keep their
   * households' ids, so what the first attempt registered is not registered again.
   */
  const importRows = async (rows: Registration[], checks: RowCheck[], digest: string) => {
    const good = checks.filter((check) => check.ok).map((check) => check.row);
    const failed: { row: number; message: string }[] = [];
    setStep({ kind: 'importing', done: 0, total: good.length });
    for (let start = 0; start < good.length; start += REGISTER_CHUNK) {
      const chunk = good.slice(start, start + REGISTER_CHUNK);
      const body = { importId: digest, verify, rows: chunk.map((row) => ({ row, household: rows[row] })) };
      const send = () => post<{ results: RowCheck[] }>('/households/imports/register', body);
      try {
        const answer = await send().catch((failure) => (failure instanceof ApiError && (failure.status === 0 || failure.status >= 500) ? send() : Promise.reject(failure)));
        for (const result of answer.results) if (!result.ok) failed.push({ row: result.row, message: problemsOf(result).map(describe).join(' ') });
      } catch (failure) {
        const message = failure instanceof ApiError ? failure.message : t('error.unexpected');
        failed.push(...chunk.map((row) => ({ row, message })));
      }
      setStep({ kind: 'importing', done: Math.min(start + REGISTER_CHUNK, good.length), total: good.length });
    }
    setStep({ kind: 'imported', imported: good.length - failed.length, failed: failed.sort((a, b) => a.row - b.row) });
    refresh();
  };

  const bad = step.kind === 'checked' ? step.checks.filter((check) => !check.ok) : [];
  return (
    <Section title={t('import.title')} id="gov-import">
      <p>{t('import.intro')}</p>
      <p>
        <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${TEMPLATE}`)}`} download="households-template.csv">
          {t('import.template')}
        </a>
      </p>
      <div className="field">
        <label htmlFor="import-file">{t('import.file')}</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={read}
          disabled={step.kind === 'checking' || step.kind === 'importing'}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'import-file-error' : undefined}
        />
        {error && <FieldError id="import-file-error" message={error} />}
      </div>
      <label className="choice">
        <input type="checkbox" checked={verify} onChange={(event) => setVerify(event.target.checked)} /> {t('import.verify')}
      </label>
      {(step.kind === 'checking' || step.kind === 'importing') && (
        <p role="status" aria-live="polite">
          <progress value={step.done} max={step.total} aria-label={t(step.kind === 'checking' ? 'import.checking' : 'import.importing')} /> {t(step.kind === 'checking' ? 'import.checkingProgress' : 'import.importingProgress', { done: step.done, total: step.total })}
        </p>
      )}
      {step.kind === 'checked' && (
        <div data-testid="import-check">
          <p role="status">{t('import.checked', { total: step.rows.length, good: step.rows.length - bad.length, bad: bad.length })}</p>
          {bad.length > 0 && (
            <div className="table-wrap" role="region" aria-label={t('import.badRows')} tabIndex={0}>
              <table className="data-table">
                <caption>{t('import.badRows')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('import.row')}</th>
                    <th scope="col">{t('import.problem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {bad.slice(0, 200).map((check) => (
                    <tr key={check.row} data-row={check.row + 1}>
                      <th scope="row">{check.row + 1}</th>
                      <td>
                        <span className="field-error">{problemsOf(check).map(describe).join(' ')}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {bad.length > 200 && <p className="muted">{t('import.moreBadRows', { count: bad.length - 200 })}</p>}
          <p className="actions">
            {step.rows.length > bad.length && (
              <button type="button" onClick={() => importRows(step.rows, step.checks, step.digest)}>
                {bad.length ? t('import.importGood', { count: step.rows.length - bad.length }) : t('import.importAll', { count: step.rows.length })}
              </button>
            )}{' '}
            <button type="button" className="secondary" onClick={() => setStep({ kind: 'idle' })}>
              {t('import.cancel')}
            </button>
          </p>
        </div>
      )}
      {step.kind === 'imported' && (
        <div role="status" data-testid="import-done">
          <p>{t('import.done', { count: step.imported })}</p>
          {step.failed.map(({ row, message }) => (
            <p key={row} className="field-error">
              {t('import.row')} {row + 1}: {message}
            </p>
          ))}
        </div>
      )}
    </Section>
  );
}

/** A row's refusals as problems the page says in its language (the API's words stay for a code it does not know). */
function problemsOf(check: RowCheck): Problem[] {
  if (check.violations) return check.violations.map(({ field, code, params, message }) => ({ field, code, params: params ?? { field }, message }));
  return [{ code: check.code ?? 'http.error', params: check.params ?? {}, message: check.reason ?? '' }];
}
