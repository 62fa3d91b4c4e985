import { DataSource } from 'typeorm';
import { CheckpointStore } from '@pangolin/application';
import { quotedTable, rawQuery, runRebuildableWrite } from '@pangolin/read-models';
import { ProcessCheckpoint } from './process-checkpoint.entity';

export class TypeOrmCheckpointStore implements CheckpointStore {
  constructor(private readonly db: DataSource) {}

  async load(name: string): Promise<bigint> {
    const [row] = await rawQuery<{ position: string }>(this.db.manager, `SELECT "position" FROM ${quotedTable(this.db.manager, ProcessCheckpoint)} WHERE "name" = :name`, { name });
    return row ? BigInt(row.position) : 0n;
  }

  /**
   * One upsert (save() would read the row and write it in a transaction of its own: four statements
   * per batch), not synced on its own: a checkpoint lost to a power cut only makes the process manager
   * handle some events again, which its idempotent effects allow (see runRebuildableWrite).
   */
  async save(name: string, position: bigint): Promise<void> {
    const table = quotedTable(this.db.manager, ProcessCheckpoint);
    await runRebuildableWrite(this.db, () =>
      rawQuery(this.db.manager, `INSERT INTO ${table} ("name", "position") VALUES (:name, :position) ON CONFLICT ("name") DO UPDATE SET "position" = excluded."position"`, { name, position: position.toString() }),
    );
  }
}
