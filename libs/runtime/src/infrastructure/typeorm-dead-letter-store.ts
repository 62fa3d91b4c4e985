import { DataSource } from 'typeorm';
import { DeadLetterStore, WorkerFailure } from '@pangolin/application';
import { parkEvent, unparkEvent, writeLockOf } from '@pangolin/read-models';

/** Process managers' dead letters, in the records store's parked_events (the projections' are among the views). */
export class TypeOrmDeadLetterStore implements DeadLetterStore {
  constructor(private readonly db: DataSource) {}

  park(failure: WorkerFailure): Promise<void> {
    return writeLockOf(this.db).run(() => this.db.transaction((tx) => parkEvent(tx, failure)));
  }

  unpark(worker: string, position: bigint): Promise<void> {
    return writeLockOf(this.db).run(() => unparkEvent(this.db.manager, worker, position));
  }
}
