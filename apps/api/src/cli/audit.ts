import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { auditMerkleLog } from '@pangolin/read-models';
import { formatAuditReport, type AuditReport } from '@pangolin/transparency';
import { ConfigurationError, loadConfiguration, PangolinConfig } from '../config/configuration';
import { openEventStore } from '../infrastructure/open-event-store';
import { openReadDatabase } from '../infrastructure/read-database';

/** Exit codes: the log passed, the audit found a discrepancy, or the audit could not run. */
export const AUDIT_PASSED = 0;
export const AUDIT_FAILED = 1;
export const AUDIT_NOT_RUN = 2;

/**
 * Recomputes the whole Merkle tree from the stored events and compares it with the stored hashes
 * and every signed checkpoint (checked with the configured verifier key). It only reads, so it may
 * run beside a live platform; events not yet projected are counted, not blamed.
 */
export async function auditTransparencyLog(config: PangolinConfig): Promise<AuditReport> {
  let store: EventStore | undefined;
  let db: DataSource | undefined;
  try {
    store = await openEventStore(config.eventStore);
    db = await openReadDatabase(config.readDb);
    return await auditMerkleLog(store, db, { verifierKey: config.transparency.verifierKey, origin: config.transparency.origin });
  } finally {
    await store?.close();
    await db?.destroy();
  }
}

if (require.main === module) {
  (async () => {
    let config: PangolinConfig;
    try {
      config = loadConfiguration();
    } catch (error) {
      console.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : `Audit could not run: ${messageOf(error)}`);
      return AUDIT_NOT_RUN;
    }
    try {
      const report = await auditTransparencyLog(config);
      console.log(formatAuditReport(report));
      return report.ok ? AUDIT_PASSED : AUDIT_FAILED;
    } catch (error) {
      console.error(`Audit could not run: ${messageOf(error)}`);
      return AUDIT_NOT_RUN;
    }
  })().then((code) => process.exit(code));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
