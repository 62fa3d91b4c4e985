import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Money, Page } from '../api';
import { DataTable, Filters, Loading, Pager, Section, Stat, useApi, usePages, withQuery, type Column } from '../components/common';
import { SelectField } from '../components/form';
import { formatMoney } from '../format';
import { useI18n } from '../i18n/i18n';

const MOVEMENT_KINDS = ['gift-received', 'premium-paid-to-insurer', 'claim-paid', 'unearned-premium-refunded', 'remainder-refunded'] as const;
type MovementKind = (typeof MOVEMENT_KINDS)[number];

interface MoneyMovement {
  id: string;
  kind: MovementKind;
  amount: Money;
  occurredAt: string;
  position: string;
  eventId: string;
}

/** The parts of a C2SP checkpoint a visitor reads: its origin, size and root, and how many keys signed it (the log's and its witnesses'). */
interface CheckpointSummary {
  origin: string;
  size: string;
  rootHash: string;
  signatures: number;
}

function summaryOf(note: string): CheckpointSummary {
  const [body, signatures = ''] = note.split('\n\n');
  const [origin, size, rootHash] = body.split('\n');
  return { origin, size, rootHash, signatures: signatures.split('\n').filter((line) => line.startsWith('\u2014 ')).length };
}

/** The latest signed checkpoint of the transparency log (a text note, so fetched as text), and how anyone can check it. */
export function TransparencyLog() {
  const { t, language } = useI18n();
  const note = useQuery({
    queryKey: ['/transparency/checkpoint', 'text'],
    queryFn: async ({ signal }) => {
      const response = await fetch('/transparency/checkpoint', { signal });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(t('public.log.unavailable'));
      return summaryOf(await response.text());
    },
  });
  const size = note.data?.size;
  const signed = useApi<Page<{ size: string; signedAt: string }>>(size === undefined ? undefined : withQuery('/transparency/checkpoints', { after: String(BigInt(size) - 1n), limit: '1' }));
  const signedAt = signed.data?.items[0]?.signedAt;
  return (
    <Section title={t('public.log')} id="public-transparency">
      <p>{t('public.log.intro')}</p>
      {note.data === undefined ? (
        <Loading error={note.error?.message} />
      ) : note.data === null ? (
        <p className="muted">{t('public.log.none')}</p>
      ) : (
        <>
          <div className="stats">
            <Stat label={t('public.log.size')} value={Number(note.data.size).toLocaleString(language)} testId="log-size" />
            <Stat label={t('public.log.signedAt')} value={signedAt ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(signedAt)) + ' UTC' : '—'} />
            <Stat label={t('public.log.witnesses')} value={Math.max(0, note.data.signatures - 1)} testId="log-cosignatures" />
          </div>
          <dl className="facts">
            <dt>{t('public.log.origin')}</dt>
            <dd>
              <code>{note.data.origin}</code>
            </dd>
            <dt>{t('public.log.root')}</dt>
            <dd>
              <code className="hash">{note.data.rootHash}</code>
            </dd>
          </dl>
        </>
      )}
      <h3>{t('public.log.howTitle')}</h3>
      <ol>
        <li>
          {t('public.log.how1')} <a href="/transparency/checkpoint">/transparency/checkpoint</a>, <a href="/transparency/verifier-key">/transparency/verifier-key</a>
        </li>
        <li>{t('public.log.how2')}</li>
        <li>
          <a href="#/verify">{t('public.verifyLink')}</a>, {t('public.log.orRun')} <code>npx pangolin-verify receipt.json --key &lt;verifier-key&gt;</code>
        </li>
      </ol>
    </Section>
  );
}

/** Money movements newest first, nobody named: each links to the proof that its event is in the log. */
export function MoneyFeed() {
  const { t, language } = useI18n();
  const [kind, setKind] = useState('');
  const movements = usePages<MoneyMovement>(withQuery('/public/money-movements', { kind }));
  const columns: Column<MoneyMovement>[] = [
    { id: 'when', header: t('public.feed.when'), rowHeader: true, cell: (row) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(row.occurredAt)) },
    { id: 'kind', header: t('public.feed.kind'), cell: (row) => t(`public.feed.kind.${row.kind}`) },
    { id: 'amount', header: t('public.feed.amount'), cell: (row) => formatMoney(row.amount, language) },
    { id: 'proof', header: t('public.feed.proof'), cell: (row) => <a href={`/transparency/events/${row.eventId}/inclusion-proof`}>{t('public.feed.proofLink', { position: row.position })}</a> },
  ];
  return (
    <Section title={t('public.feed')} id="public-money-feed">
      <p className="muted">{t('public.feed.intro')}</p>
      <Filters>
        <SelectField label={t('public.feed.kind')} value={kind} onChange={setKind} options={[{ value: '', label: t('common.any') }, ...MOVEMENT_KINDS.map((value) => ({ value, label: t(`public.feed.kind.${value}`) }))]} />
      </Filters>
      {movements.items ? <DataTable label={t('public.feed')} testId="money-feed-table" columns={columns} rows={movements.items} rowKey={(row) => row.id} /> : <Loading error={movements.error} />}
      <Pager list={movements} label={t('public.feed')} />
    </Section>
  );
}
