import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DisclosureEvent } from '@pangolin/domain';
import { IsoDateColumn, PositionColumn, TextColumn } from '../shared/columns';

/**
 * One published version of a disclosure report, as its DisclosureReportPublished event recorded
 * it: reading a report is a lookup of this row, never a recomputation. Every version stays.
 */
@Index('IDX_disclosure_reports_published', ['position'])
@Entity('disclosure_reports')
export class DisclosureReportRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  reportId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  /** '' for the platform, else the programme's id. */
  @TextColumn({ length: 64 })
  scope: string;

  @IsoDateColumn()
  periodFrom: string;

  @IsoDateColumn()
  periodTo: string;

  @Column({ type: 'boolean' })
  latest: boolean;

  /** The event's global position: the order reports were published in. */
  @PositionColumn()
  position: bigint;

  @IsoDateColumn()
  publishedAt: string;

  /** The whole event data (figures, checkpoint, note). */
  @Column({ type: 'simple-json' })
  report: DisclosureEvent['data'];
}
