import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer, IsoDateColumn, TextColumn } from '../shared/columns';

/**
 * One event of a household's life, in log order under the household: its registration and
 * verifications, gifts to it, its policies and claims (a disaster's payouts among them), erasure. `detail` holds
 * the event's facts worth showing (ids, amounts, dates, reasons), never personal data.
 */
@Entity('household_history')
export class HouseholdHistoryRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  position: bigint;

  @TextColumn({ length: 64 })
  type: string;

  @TextColumn({ length: 64 })
  eventId: string;

  @IsoDateColumn()
  occurredAt: string;

  @Column({ type: 'simple-json' })
  detail: Record<string, unknown>;
}

/** Which household a policy covers: the claims decided on its stream name only the policy. */
@Entity('household_history_policies')
export class HouseholdHistoryPolicyRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  policyId: string;

  @TextColumn({ length: 64 })
  householdId: string;
}
