import type { EntityManager } from 'typeorm';
import type { DisclosureEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { DisclosureReportRow } from './disclosure-report.entity';

/** Every published version of every disclosure report, the newest of each marked `latest`. */
export class DisclosuresProjection implements Projection {
  readonly name = 'disclosures';

  async apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    if (event.type !== 'DisclosureReportPublished') return;
    const report = event.data as DisclosureEvent['data'];
    await tx.update(DisclosureReportRow, { reportId: report.reportId, latest: true }, { latest: false });
    await tx.insert(DisclosureReportRow, {
      reportId: report.reportId,
      version: report.version,
      scope: report.scope.kind === 'platform' ? '' : report.scope.programmeId,
      periodFrom: report.period.from,
      periodTo: report.period.to,
      latest: true,
      position: event.position,
      publishedAt: report.publishedAt,
      report,
    });
  }

  async applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) await this.apply(event, tx);
  }
}
