import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { newPersonalDataKey, type HouseholdKeySource } from '@pangolin/application';
import { writeLockOf, type HouseholdKeys } from '@pangolin/read-models';
import { HouseholdDataKeyRow } from './household-data-key.entity';

/** Households whose keys one query reads at most (SQLite allows 32,766 bound values; stay far below). */
const KEYS_PER_QUERY = 500;

/**
 * One random key per household in the records store, created on first use (before the event
 * sealed with it is appended). Race-safe across processes: a new key is inserted only if the
 * household has none (insert-or-ignore), then the stored key is read back, so two writers racing
 * for the same household both get the winner's key.
 */
export class HouseholdKeyVault implements HouseholdKeySource, HouseholdKeys {
  constructor(private readonly records: DataSource) {}

  async keyFor(householdId: string): Promise<Buffer> {
    const existing = await this.find(householdId);
    if (existing) return existing;
    const candidate: HouseholdDataKeyRow = { householdId, key: newPersonalDataKey().toString('base64'), createdAt: new Date().toISOString() };
    await writeLockOf(this.records).run(() => this.records.createQueryBuilder().insert().into(HouseholdDataKeyRow).values(candidate).orIgnore().execute());
    const stored = await this.find(householdId);
    if (!stored) throw new Error(`the key of household ${householdId} was destroyed while it was being created`);
    return stored;
  }

  /** The household's key, or null if it never had one or it was destroyed. */
  async find(householdId: string): Promise<Buffer | null> {
    const row = await this.records.manager.findOneBy(HouseholdDataKeyRow, { householdId });
    return row && Buffer.from(row.key, 'base64');
  }

  async keysOf(householdIds: readonly string[]): Promise<ReadonlyMap<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    const wanted = [...new Set(householdIds)];
    for (let start = 0; start < wanted.length; start += KEYS_PER_QUERY) {
      const rows = await this.records.manager.find(HouseholdDataKeyRow, { where: { householdId: In(wanted.slice(start, start + KEYS_PER_QUERY)) } });
      for (const row of rows) keys.set(row.householdId, Buffer.from(row.key, 'base64'));
    }
    return keys;
  }

  /** Destroys the household's key, erasing its personal data in every copy of the log (nothing happens if it has none). */
  async destroy(householdId: string): Promise<void> {
    await writeLockOf(this.records).run(() => this.records.manager.delete(HouseholdDataKeyRow, { householdId }));
  }
}
