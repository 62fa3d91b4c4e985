import { DataSource } from 'typeorm';
import { CheckpointStore } from '@pangolin/application';
import { writeLockOf } from '@pangolin/read-models';
import { ProcessCheckpoint } from './process-checkpoint.entity';

export class TypeOrmCheckpointStore implements CheckpointStore {
  constructor(private readonly db: DataSource) {}

  async load(name: string): Promise<bigint> {
    const row = await this.db.getRepository(ProcessCheckpoint).findOneBy({ name });
    return row ? BigInt(row.position) : 0n;
  }

  async save(name: string, position: bigint): Promise<void> {
    await writeLockOf(this.db).run(() => this.db.getRepository(ProcessCheckpoint).save({ name, position: position.toString() }));
  }
}
