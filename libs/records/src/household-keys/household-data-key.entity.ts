import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IsoDateColumn } from '@pangolin/read-models';

/**
 * The key that seals one household's personal data in the event log (AES-256-GCM, 32 random
 * bytes, base64). A record, not a view: a key cannot be rebuilt from the log. Deleting a row
 * erases the household's personal data for good, in every copy of the log.
 */
@Entity('household_data_keys')
export class HouseholdDataKeyRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  householdId: string;

  @Column({ type: 'varchar', length: 44 })
  key: string;

  @IsoDateColumn()
  createdAt: string;
}
