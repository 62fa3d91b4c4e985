import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { PositionColumn, TextColumn } from '../shared/columns';

/**
 * One eligible household that still needs (part of) a premium for one product: no policy requested
 * or in force for it, and its current round not fully funded. Kept by the households projection so
 * that a region's uncovered list is a range of this index in allocation order, with no covered
 * household to walk past (a programme covering a county's earliest 10,000 verified households made
 * its first page pass all of them).
 */
@Index('IDX_uncovered_households_allocation_order', ['productId', 'countyCode', 'verifiedPosition', 'householdCode', 'villageCode', 'category'])
// A village's list (the donor's picker narrowed to a village): its rows alone, already in allocation order.
@Index('IDX_uncovered_households_village', ['productId', 'villageCode', 'verifiedPosition', 'householdCode', 'category'])
@Entity('uncovered_households')
export class UncoveredHouseholdRow {
  // The household first: the projection reads a household's rows for every product at once.
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  productId: string;

  @TextColumn({ length: 6 })
  countyCode: string;

  /** Global position of the household's latest verification: programmes allocate to older ones first. */
  @PositionColumn()
  verifiedPosition: bigint;

  @TextColumn({ length: 64 })
  householdCode: string;

  @TextColumn({ length: 12 })
  villageCode: string;

  @TextColumn({ length: 32 })
  category: string;

  @Column({ type: 'integer' })
  size: number;
}

/**
 * The products the households projection has seen published: a household verified eligible becomes
 * uncovered for each of them, and a product published later makes every eligible household uncovered for it.
 */
@Entity('uncovered_products')
export class UncoveredProductRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  productId: string;
}
