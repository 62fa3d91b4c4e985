import { DataSource } from 'typeorm';
import { openReadDataSource, ReadStoreConfig } from '@pangolin/read-models';
import { UserAccount } from '../auth/user-account.entity';
import { applicationMigrations } from './migrations';
import { ProcessCheckpoint } from './process-checkpoint.entity';

/**
 * The read database with the application's own tables beside the read models: logins and
 * process-manager checkpoints (a rebuild of the views leaves both alone).
 */
export function openReadDatabase(config: ReadStoreConfig): Promise<DataSource> {
  return openReadDataSource(config, { entities: [UserAccount, ProcessCheckpoint], migrations: applicationMigrations });
}
