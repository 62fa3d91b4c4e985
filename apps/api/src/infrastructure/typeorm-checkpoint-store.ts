import { DataSource } from 'typeorm';
import { CheckpointStore } from '@pangolin/application';
import { quotedTable, rawQuery, writeLockOf } from '@pangolin/read-models';
import { ProcessCheckpoint } from './process-checkpoint.entity';

export class TypeOrmCheckpointStore implements CheckpointStore {
  constructor(private readonly db: DataSource) {}

  async load(name: string): Promise<bigint> {
    const [row] = await rawQuery<{ position: string }>(this.db.manager, `SELECT "position" FROM ${quotedTable(this.db.manager, ProcessCheckpoint)} WHERE "name" = :name`, { name });
    return row ? BigInt(row.position) : 0n;
  }

  /** One upsert (save() would read the row and write it in a transaction of its own: four statements per batch). */
  async save(name: string, position: bigint): Promise<void> {
    const table = quotedTable(this.db.manager, ProcessCheckpoint);
    await writeLockOf(this.db).run(() =>
      rawQuery(this.db.manager, `INSERT INTO ${table} ("name", "position") VALUES (:name, :position) ON CONFLICT ("name") DO UPDATE SET "position" = excluded."position"`, { name, position: position.toString() }),
    );
  }
}
