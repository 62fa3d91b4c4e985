import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

@Index('IDX_gift_allocations_order', ['giftId', 'allocatedAt', 'allocationId'])
@Entity('donor_gift_allocations')
export class GiftAllocationRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  allocationId: string;

  @TextColumn({ length: 64 })
  giftId: string;

  @TextColumn({ length: 64 })
  householdId: string;

  @TextColumn({ length: 64 })
  productId: string;

  @TextColumn({ length: 64 })
  policyId: string;

  @MinorUnitsColumn()
  amount: number;

  @CurrencyColumn()
  currency: string;

  @IsoDateColumn()
  allocatedAt: string;
}
