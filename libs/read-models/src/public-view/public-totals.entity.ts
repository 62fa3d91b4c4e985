import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MinorUnitsColumn } from '../shared/columns';
import { GiftFigures } from './gift-figures';

/** The scope of the platform's own totals; a programme's totals have its id as scope. */
export const PLATFORM_SCOPE = '';

/**
 * The public gifts of one scope (the platform, or one programme) in one currency, summed by the
 * public-view projection as gifts change (issue #12), so that the public totals read a row per
 * currency instead of summing every gift per request. A gift whose money was received counts in
 * `gifts` and the money figures; one only pledged counts in `unpaidCount` and `unpaidAmount`.
 * A row whose gifts and unpaid pledges are all gone is deleted.
 */
@Entity('public_totals')
export class PublicTotalsRow extends GiftFigures {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  scope: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'integer', default: 0 })
  gifts: number;

  @Column({ type: 'integer', default: 0 })
  unpaidCount: number;

  @MinorUnitsColumn()
  unpaidAmount: number;
}
