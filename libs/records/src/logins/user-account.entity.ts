import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from './roles';

/**
 * A login. Accounts are configuration, not history: a record the log cannot rebuild.
 */
@Entity('user_accounts')
export class UserAccount {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  userId: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ type: 'varchar', length: 200 })
  displayName: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'varchar', length: 64, nullable: true })
  insurerId: string | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  regionCode: string | null;

  /** scrypt$<salt hex>$<hash hex> */
  @Column({ type: 'varchar', length: 300 })
  passwordHash: string;

  /**
   * For a login created with an Idempotency-Key (its userId then derives from the key): the
   * fingerprint of the request, so a retry with another body is told apart (see http/idempotency.ts).
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  creationFingerprint: string | null;
}
