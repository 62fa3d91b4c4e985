import { openReadDataSource, ProjectionCheckpoint, readModelEntities } from '@pangolin/read-models';
import { rebuildReadModels } from '../../apps/api/src/cli/rebuild-read-models';
import { loadConfiguration } from '@pangolin/runtime';

/**
 * Rebuilds every view of the platform configured by `env` (PostgreSQL read database) from its log
 * into the schema `rebuiltSchema`, and expects the live views to equal it, row for row. Run it with
 * the platform stopped.
 */
export async function expectViewsToEqualACleanRebuild(env: Record<string, string>, rebuiltSchema: string): Promise<void> {
  const config = loadConfiguration(env);
  if (config.readDb.type !== 'postgres') throw new Error('expectViewsToEqualACleanRebuild compares PostgreSQL read databases');
  const live = await openReadDataSource(config.readDb);
  let rebuilt: Awaited<ReturnType<typeof openReadDataSource>> | undefined;
  try {
    // The rebuild reads the installation's own records store (the household keys open personal data there).
    await rebuildReadModels(loadConfiguration({ ...env, READ_DB_SCHEMA: rebuiltSchema, RECORDS_DB_SCHEMA: config.records.type === 'postgres' ? config.records.schema : '' }));
    rebuilt = await openReadDataSource({ ...config.readDb, schema: rebuiltSchema });
    for (const entity of readModelEntities.filter((e) => e !== ProjectionCheckpoint)) {
      const rows = async (db: typeof live) => {
        const all = await db.getRepository(entity).find();
        return all.map((row) => JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
      };
      const name = live.getMetadata(entity).tableName;
      expect({ name, rows: await rows(live) }).toEqual({ name, rows: await rows(rebuilt!) });
    }
  } finally {
    await live.destroy();
    if (rebuilt?.isInitialized) await rebuilt.destroy();
  }
}
