import type { DataSource } from 'typeorm';
import { PROJECTION_NAMES, readModelEntities } from './registry';
import { forgetParkedEvents } from './dead-letters/parked-events';
import { writeLockOf } from './write-lock';

/**
 * Deletes every read-model row, every checkpoint and the projections' parked events, in one
 * transaction, so the next run rebuilds from the start of the log.
 */
export async function resetProjections(dataSource: DataSource): Promise<void> {
  await writeLockOf(dataSource).run(() =>
    dataSource.transaction(async (tx) => {
      for (const entity of readModelEntities) await tx.clear(entity);
      await forgetParkedEvents(tx, PROJECTION_NAMES);
    }),
  );
}
