import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IsoDateColumn, MinorUnitsColumn, TextColumn } from '../shared/columns';

/** An insurer's answer to a declaration. */
export interface DeclarationAnswer {
  insurerId: string;
  status: 'confirmed' | 'disputed';
  reason: string | null;
  answeredAt: string;
  /** When the last batch of its payouts was recorded; null while paying (or when disputed). */
  completedAt: string | null;
}

/** A disaster declaration, the insurers' answers and what it has paid so far. */
@Index('IDX_disaster_declarations_newest', ['declaredAt', 'declarationId'])
@Entity('disaster_declarations')
export class DisasterDeclarationRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  declarationId: string;

  @TextColumn({ length: 12 })
  declaredBy: string;

  @TextColumn({ length: 16 })
  peril: string;

  @Column({ type: 'simple-json' })
  regionCodes: string[];

  @IsoDateColumn()
  incidentFrom: string;

  @IsoDateColumn()
  incidentTo: string;

  @Column({ type: 'integer' })
  severity: number;

  @TextColumn({ length: 100 })
  authorityReference: string;

  @IsoDateColumn()
  declaredAt: string;

  @Column({ type: 'simple-json' })
  answers: DeclarationAnswer[];

  @Column({ type: 'integer', default: 0 })
  policiesPaid: number;

  @MinorUnitsColumn()
  amountPaid: number;

  @TextColumn({ length: 3, nullable: true })
  currency: string | null;
}
