import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../shared/columns';

/**
 * The trail map's state (see @pangolin/transparency trail-map): kept by the Merkle-log projection in
 * the transaction that appends the leaves, so at any log size the trails agree with the leaves.
 * A view of the log: rebuilt with it.
 */

/** The latest state of one gift's trail: its length and trail hash (chain) over the whole log. */
@Entity('merkle_trail_heads', { withoutRowid: true })
export class TrailHeadRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  giftId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  length: bigint;

  /** The trail hash after `length` events, lowercase hex. */
  @Column({ type: 'varchar', length: 64 })
  hash: string;

  /** trailMapLeafHash of (giftId, length, hash), lowercase hex: signing a checkpoint then hashes only the map's inner nodes. */
  @Column({ type: 'varchar', length: 64 })
  mapLeafHash: string;
}

/** One event of a gift's trail: the `length`-th, at leaf `leafIndex`, and the trail hash after it. */
@Entity('merkle_trail_events', { withoutRowid: true })
@Index('IDX_merkle_trail_events_leaf', ['leafIndex'])
export class TrailEventRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  giftId: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  length: bigint;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  leafIndex: bigint;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

/** A gift that paid for a policy (so the policy's events join the gift's trail). */
@Entity('merkle_trail_policy_gifts', { withoutRowid: true })
export class TrailPolicyGiftRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  policyId: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  giftId: string;
}

/**
 * How many leaves of the log the trail tables cover: equal to the log's size when they were kept
 * from its first leaf on. A database from before the trail map has leaves but no trails; its
 * checkpoints carry no trail map until the trails are caught up (catchUpTrails).
 */
@Entity('merkle_trail_progress')
export class TrailProgressRow {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  size: bigint;
}
