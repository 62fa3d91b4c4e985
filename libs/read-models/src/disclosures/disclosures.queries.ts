import type { EntityManager } from 'typeorm';
import { keysetPage, listOrder, type Page, type PageRequest } from '../shared/paging';
import { DisclosureReportRow } from './disclosure-report.entity';

/** Newest publication first. */
const DISCLOSURES = listOrder('disclosures', [['r.position', 'position']], 'DESC');

export interface DisclosureFilter {
  /** '' for the platform's reports, a programme's id for its. */
  scope?: string;
  /** Every version of one report (default: each report's latest version only). */
  reportId?: string;
}

export function listDisclosureReports(manager: EntityManager, filter: DisclosureFilter, page: PageRequest): Promise<Page<DisclosureReportRow>> {
  const query = manager.createQueryBuilder(DisclosureReportRow, 'r');
  if (filter.reportId !== undefined) query.andWhere('r.reportId = :reportId', { reportId: filter.reportId });
  else query.andWhere('r.latest = :latest', { latest: true });
  if (filter.scope !== undefined) query.andWhere('r.scope = :scope', { scope: filter.scope });
  return keysetPage(query, DISCLOSURES, page, (row) => [row.position.toString()]);
}

/** One version of a report, or its latest. */
export function disclosureReport(manager: EntityManager, reportId: string, version?: number): Promise<DisclosureReportRow | null> {
  return manager.findOneBy(DisclosureReportRow, version === undefined ? { reportId, latest: true } : { reportId, version });
}
