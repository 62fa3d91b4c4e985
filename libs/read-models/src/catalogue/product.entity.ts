import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CurrencyColumn, IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/** An insurer's product with the terms of its latest version. */
@Entity('catalogue_products')
export class ProductRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  productId: string;

  @Index()
  @TextColumn({ length: 64 })
  insurerId: string;

  @Column({ type: 'integer' })
  version: number;

  @TextColumn()
  name: string;

  @TextColumn({ length: 32 })
  coverageKind: string;

  @MinorUnitsColumn()
  annualPremium: number;

  @MinorUnitsColumn()
  sumInsured: number;

  @CurrencyColumn()
  currency: string;

  @Column({ type: 'integer' })
  waitingPeriodDays: number;

  @Column({ type: 'integer' })
  termDays: number;

  @Column({ type: 'boolean', default: false })
  retired: boolean;

  @IsoDateColumn()
  publishedAt: string;

  @IsoDateColumn()
  updatedAt: string;
}
