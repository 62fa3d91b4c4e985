import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/**
 * The tables of the indicators projection (see indicators.projection.ts). The first four are what
 * it needs to know to place an event (a product's insurer and settlement target, a household's
 * village, a policy's product and period, a declaration's time); `promptness_claims` and
 * `promptness_declarations` hold one row per claim and declaration with its times; the last two
 * are the aggregates the dashboards read: monthly rows per village and product, never a scan of
 * claims or policies.
 */

@Entity('indicator_products')
export class IndicatorProductRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  productId: string;

  @TextColumn({ length: 64 })
  insurerId: string;

  /** The settlement target of the product's current terms (a claim keeps the one it was filed under). */
  @Column({ type: 'integer' })
  targetDays: number;
}

@Entity('indicator_households')
export class IndicatorHouseholdRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @TextColumn({ length: 12 })
  villageCode: string;

  @Column({ type: 'boolean', default: false })
  eligible: boolean;
}

export type IndicatorPolicyStatus = 'requested' | 'active' | 'expired' | 'cancelled';

@Entity('indicator_policies')
export class IndicatorPolicyRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  policyId: string;

  @Index('IDX_indicator_policies_household')
  @TextColumn({ length: 64 })
  householdId: string;

  @TextColumn({ length: 64 })
  productId: string;

  @TextColumn({ length: 64 })
  insurerId: string;

  @TextColumn({ length: 12 })
  villageCode: string;

  @CurrencyColumn()
  currency: string;

  @MinorUnitsColumn()
  premium: number;

  @Column({ type: 'integer' })
  termDays: number;

  @TextColumn({ length: 16 })
  status: IndicatorPolicyStatus;

  @IsoDateColumn({ nullable: true })
  startDate: string | null;

  @IsoDateColumn({ nullable: true })
  endDate: string | null;

  @IsoDateColumn({ nullable: true })
  cancellationEffectiveDate: string | null;

  /** A policy of the same household and product started within RENEWAL_WINDOW_DAYS of this one's end. */
  @Column({ type: 'boolean', default: false })
  renewed: boolean;
}

/** Open: neither paid nor rejected (nor, for a declaration, paid or disputed) yet; else settled on time or late. */
export type PromptnessOutcome = 'open' | 'on-time' | 'late';

/**
 * The times a claim or a declaration is judged by, recorded times of its events (the server's
 * clock): its target and due time, its decision, payment and settlement, and so its outcome.
 */
abstract class PromptnessTimes {
  @Column({ type: 'integer' })
  targetDays: number;

  /** The start (filing, or declaration) plus targetDays days. */
  @IsoDateColumn()
  dueAt: string;

  @IsoDateColumn({ nullable: true })
  decidedAt: string | null;

  @IsoDateColumn({ nullable: true })
  paidAt: string | null;

  @IsoDateColumn({ nullable: true })
  settledAt: string | null;

  @TextColumn({ length: 8 })
  outcome: PromptnessOutcome;
}

/** One claim's settlement promptness: decided when approved or rejected, settled when paid or rejected. */
@Index('IDX_promptness_claims_insurer_due', ['insurerId', 'outcome', 'dueAt', 'claimId'])
@Index('IDX_promptness_claims_insurer_order', ['insurerId', 'dueAt', 'claimId'])
@Index('IDX_promptness_claims_village_due', ['villageCode', 'dueAt', 'claimId'])
@Entity('promptness_claims')
export class PromptnessClaimRow extends PromptnessTimes {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  claimId: string;

  @TextColumn({ length: 64 })
  policyId: string;

  @TextColumn({ length: 64 })
  insurerId: string;

  @TextColumn({ length: 64 })
  productId: string;

  @TextColumn({ length: 12 })
  villageCode: string;

  @CurrencyColumn()
  currency: string;

  /** Set on a parametric claim: its promptness counts from the declaration. */
  @TextColumn({ length: 64, nullable: true })
  declarationId: string | null;

  /** When the clock started: the claim's filing, or its declaration. */
  @IsoDateColumn()
  startedAt: string;

  @TextColumn({ length: 16 })
  state: string;
}

/**
 * One declaration's promptness: from the declaration to the first answer (decision) and the first
 * completed payouts (payment), settled then or by a dispute before any confirmation. Its target is
 * the smallest settlement target of the products the first confirmation names (DEFAULT_SETTLEMENT_TARGET_DAYS before).
 */
@Index('IDX_promptness_declarations_region', ['declaredBy', 'dueAt', 'declarationId'])
@Entity('promptness_declarations')
export class PromptnessDeclarationRow extends PromptnessTimes {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  declarationId: string;

  @TextColumn({ length: 12 })
  declaredBy: string;

  @IsoDateColumn()
  declaredAt: string;

  /** The first insurer's confirmation. */
  @IsoDateColumn({ nullable: true })
  confirmedAt: string | null;
}

/**
 * A month's figures of one village, product and currency. Months are YYYY-MM (UTC). Earned premium
 * falls in the calendar months of the policy's cover; claims, decisions and settlements in the month
 * of their recorded time; expiries and renewals in the month of the expired policy's end date.
 */
@Index('IDX_indicator_months_insurer', ['insurerId', 'month'])
@Entity('indicator_months')
export class IndicatorMonthRow {
  // The village first: a batch loads a village's rows by it (see RowSet.get).
  @PrimaryColumn({ type: 'varchar', length: 12 })
  villageCode: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  productId: string;

  @PrimaryColumn({ type: 'varchar', length: 7 })
  month: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @TextColumn({ length: 64 })
  insurerId: string;

  @MinorUnitsColumn()
  earnedPremium: number;

  @MinorUnitsColumn()
  claimsApproved: number;

  @MinorUnitsColumn()
  claimsPaid: number;

  @Column({ type: 'integer', default: 0 })
  policiesExpired: number;

  @Column({ type: 'integer', default: 0 })
  policiesRenewed: number;

  @Column({ type: 'integer', default: 0 })
  claimsSettled: number;

  @Column({ type: 'integer', default: 0 })
  claimsSettledOnTime: number;

  @Column({ type: 'integer', default: 0 })
  decisions: number;

  /** Seconds from start to decision, summed over the month's decisions. */
  @MinorUnitsColumn()
  decisionSeconds: number;

  @Column({ type: 'integer', default: 0 })
  payments: number;

  @MinorUnitsColumn()
  paymentSeconds: number;
}

/**
 * Changes in a month to a village's eligible households and to those of them covered (an issued
 * policy in force): insurerId '' counts cover by any insurer (and eligibility), an insurer's id
 * cover by that insurer's policies. A month-end figure is the sum of the changes up to that month.
 */
@Index('IDX_coverage_months_insurer', ['insurerId', 'villageCode', 'month'])
@Entity('coverage_months')
export class CoverageMonthRow {
  @PrimaryColumn({ type: 'varchar', length: 12 })
  villageCode: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  insurerId: string;

  @PrimaryColumn({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'integer', default: 0 })
  eligible: number;

  @Column({ type: 'integer', default: 0 })
  covered: number;
}
