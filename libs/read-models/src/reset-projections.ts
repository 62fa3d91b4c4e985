import type { DataSource } from 'typeorm';
import { readModelEntities } from './registry';
import { writeLockOf } from './write-lock';

/** Deletes every read-model row and every checkpoint, in one transaction, so the next run rebuilds from the start of the log. */
export async function resetProjections(dataSource: DataSource): Promise<void> {
  await writeLockOf(dataSource).run(() =>
    dataSource.transaction(async (tx) => {
      for (const entity of readModelEntities) await tx.clear(entity);
    }),
  );
}
