import type { DataSource, EntityManager } from 'typeorm';
import { newPersonalDataKey } from '@pangolin/application';
import { writeLockOf } from '../write-lock';
import { HouseholdDataKeyRow } from './household-data-key.entity';

/** The household's key, or null if it never had one or it was destroyed. Pass a projection's `tx` to read inside its transaction. */
export async function findHouseholdDataKey(manager: EntityManager, householdId: string): Promise<Buffer | null> {
  const row = await manager.findOneBy(HouseholdDataKeyRow, { householdId });
  return row && Buffer.from(row.key, 'base64');
}

/** Destroys the household's key (nothing happens if it has none). Pass a projection's `tx` so it commits with the projection's change. */
export async function destroyHouseholdDataKey(manager: EntityManager, householdId: string): Promise<void> {
  await manager.delete(HouseholdDataKeyRow, { householdId });
}

/**
 * One random key per household in the read database, created on first use. Race-safe across
 * processes: a new key is inserted only if the household has none (insert-or-ignore), then the
 * stored key is read back, so two writers racing for the same household both get the winner's key.
 */
export class HouseholdKeyVault {
  constructor(private readonly dataSource: DataSource) {}

  async keyFor(householdId: string): Promise<Buffer> {
    const existing = await this.find(householdId);
    if (existing) return existing;
    const candidate: HouseholdDataKeyRow = { householdId, key: newPersonalDataKey().toString('base64'), createdAt: new Date().toISOString() };
    await writeLockOf(this.dataSource).run(() => this.dataSource.createQueryBuilder().insert().into(HouseholdDataKeyRow).values(candidate).orIgnore().execute());
    const stored = await this.find(householdId);
    if (!stored) throw new Error(`the key of household ${householdId} was destroyed while it was being created`);
    return stored;
  }

  find(householdId: string): Promise<Buffer | null> {
    return findHouseholdDataKey(this.dataSource.manager, householdId);
  }

  async destroy(householdId: string): Promise<void> {
    await writeLockOf(this.dataSource).run(() => destroyHouseholdDataKey(this.dataSource.manager, householdId));
  }
}
