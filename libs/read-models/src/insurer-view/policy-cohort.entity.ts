import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MinorUnitsColumn, minorUnits } from '../shared/columns';

/**
 * An insurer's issued policies grouped by what their earned premium depends on (premium, start,
 * term, the day cover stopped early): kept by the catalogue projection, so the insurer's dashboard
 * computes earned premium per cohort, times its count, instead of reading every policy. A programme
 * issues thousands of policies alike, so cohorts are few.
 */
@Entity('insurer_policy_cohorts')
export class PolicyCohortRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  insurerId: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @PrimaryColumn({ type: 'bigint', transformer: minorUnits })
  premium: number;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  startDate: string;

  @PrimaryColumn({ type: 'integer' })
  termDays: number;

  /** The day cover stopped early; '' for policies not cancelled (a key cannot be null). */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  cancellationEffectiveDate: string;

  @Column({ type: 'integer', default: 0 })
  policies: number;

  @MinorUnitsColumn()
  unearnedPremiumReturned: number;
}
