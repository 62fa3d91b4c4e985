import { DISCLOSURE_COMPUTATION, DisclosureFold, type DisclosureEvent, type DisclosureFigures, type DisclosurePeriod, type DisclosureScope } from '@pangolin/domain';
import type { EventStore, RecordedEvent } from '@pangolin/event-store';

const PAGE_SIZE = 1_000;

/** The log's first `size` events, read page by page (the Merkle log's leaves 0 to size - 1). */
async function* logPrefix(store: EventStore, size: bigint, pageSize = PAGE_SIZE): AsyncIterable<RecordedEvent> {
  let after = 0n;
  let left = size;
  while (left > 0n) {
    const page = await store.readAll({ after, limit: Number(left < BigInt(pageSize) ? left : BigInt(pageSize)) });
    if (page.length === 0) throw new Error(`the event store holds fewer than ${size} events`);
    for (const event of page) yield event;
    left -= BigInt(page.length);
    after = page[page.length - 1].position;
  }
}

/**
 * The figures of a disclosure computed from the log's first `size` events (a signed checkpoint's
 * size), streaming them once in pages: the same fold the audit recomputes published reports with.
 */
export async function computeDisclosure(store: EventStore, scope: DisclosureScope, period: DisclosurePeriod, size: bigint, pageSize = PAGE_SIZE): Promise<DisclosureFigures> {
  const fold = new DisclosureFold(scope, period);
  for await (const event of logPrefix(store, size, pageSize)) fold.add(event, event.metadata.occurredAt);
  return fold.result();
}

export type PublishedReport = DisclosureEvent['data'] & { position: bigint };

/** What the audit found for one published report version. */
export interface DisclosureAuditResult {
  reportId: string;
  version: number;
  checkpointSize: string;
  ok: boolean;
  /** The first figure that differs, as a JSON path, with the published and the recomputed value. */
  mismatch?: { path: string; published: unknown; recomputed: unknown };
}

/**
 * The first path where two JSON values differ (depth first), or undefined when equal. Compared as
 * JSON (values, arrays, keys), whatever built the objects: a report parsed from the log and one
 * recomputed are equal when their JSON is.
 */
export function firstDifference(published: unknown, recomputed: unknown, path = ''): { path: string; published: unknown; recomputed: unknown } | undefined {
  const differ = { path: path || '.', published, recomputed };
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  if (!isObject(published) || !isObject(recomputed)) return Object.is(published, recomputed) ? undefined : differ;
  if (Array.isArray(published) !== Array.isArray(recomputed)) return differ;
  const keys = new Set([...Object.keys(published), ...Object.keys(recomputed)]);
  for (const key of keys) {
    const found = firstDifference(published[key], recomputed[key], Array.isArray(published) ? `${path}[${key}]` : `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Recomputes every published disclosure report from the events up to its checkpoint: one pass finds
 * the reports (events of the log itself), a second folds the log once for all of them, each report's
 * fold stopping at its own checkpoint's size. Memory: one fold per report, never the events.
 */
export async function auditDisclosures(store: EventStore, pageSize = PAGE_SIZE): Promise<{ reports: PublishedReport[]; results: DisclosureAuditResult[] }> {
  const reports: PublishedReport[] = [];
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) break;
    for (const event of page) if (event.type === 'DisclosureReportPublished') reports.push({ ...(event.data as DisclosureEvent['data']), position: event.position });
    after = page[page.length - 1].position;
  }
  if (reports.length === 0) return { reports, results: [] };
  const folds = reports.map((report) => ({ report, size: BigInt(report.checkpoint.size), fold: new DisclosureFold(report.scope, report.period) }));
  const largest = folds.reduce((max, { size }) => (size > max ? size : max), 0n);
  let read = 0n;
  for await (const event of logPrefix(store, largest, pageSize)) {
    read++;
    for (const { size, fold } of folds) if (read <= size) fold.add(event, event.metadata.occurredAt);
  }
  const results = folds.map(({ report, fold }) => {
    if (report.figures.computation !== DISCLOSURE_COMPUTATION) {
      const mismatch = { path: 'figures.computation', published: report.figures.computation, recomputed: DISCLOSURE_COMPUTATION };
      return { reportId: report.reportId, version: report.version, checkpointSize: report.checkpoint.size, ok: false, mismatch };
    }
    const mismatch = firstDifference(report.figures, fold.result());
    return { reportId: report.reportId, version: report.version, checkpointSize: report.checkpoint.size, ok: mismatch === undefined, ...(mismatch ? { mismatch: { ...mismatch, path: `figures${mismatch.path}` } } : {}) };
  });
  return { reports, results };
}
