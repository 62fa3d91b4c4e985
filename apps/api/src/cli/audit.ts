import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { auditDisclosures, firstDifference } from '@pangolin/application';
import { auditMerkleLog, disclosureReport, openReadDataSource } from '@pangolin/read-models';
import { auditPromises, checkpointAt, openRecordsStore, signedCheckpointSource, type PromiseAudit } from '@pangolin/records';
import { formatAuditReport, type AuditReport } from '@pangolin/transparency';
import { ConfigurationError, loadConfiguration, openEventStore, PangolinConfig } from '@pangolin/runtime';

/** Exit codes: the log passed, the audit found a discrepancy, or the audit could not run. */
export const AUDIT_PASSED = 0;
export const AUDIT_FAILED = 1;
export const AUDIT_NOT_RUN = 2;

/**
 * Recomputes the whole Merkle tree from the stored events and compares it with the stored hashes
 * and every signed checkpoint (checked with the configured verifier key). It only reads, so it may
 * run beside a live platform; events not yet projected are counted, not blamed.
 */
export function auditTransparencyLog(config: PangolinConfig): Promise<AuditReport> {
  return withStores(config, (store, db, records) => auditMerkleLog(store, db, signedCheckpointSource(records), { verifierKey: config.transparency.verifierKey, origin: config.transparency.origin }));
}

/** Runs `audit` on the configured event store, views and records store, closing them afterwards. */
async function withStores<T>(config: PangolinConfig, audit: (store: EventStore, db: DataSource, records: DataSource) => Promise<T>): Promise<T> {
  let store: EventStore | undefined;
  let db: DataSource | undefined;
  let records: DataSource | undefined;
  try {
    store = await openEventStore(config.eventStore);
    db = await openReadDataSource(config.readDb);
    records = await openRecordsStore(config.records, db);
    return await audit(store, db, records);
  } finally {
    await store?.close();
    await db?.destroy();
    await records?.destroy();
  }
}

/**
 * Checks every inclusion promise the platform gave (issue #14): a checkpoint signed by its deadline
 * holds its leaves, and the stored events still hash to the promised leaves at the promised indexes.
 */
export function auditInclusionPromises(config: PangolinConfig, now = new Date()): Promise<PromiseAudit> {
  return withStores(config, (store, _views, records) => auditPromises(store, records.manager, { verifierKey: config.transparency.verifierKey, origin: config.transparency.origin, now }));
}

/** What the audit found about the published disclosure reports: one line each (none when none is published), and whether all passed. */
export interface DisclosureAudit {
  ok: boolean;
  lines: string[];
}

/**
 * Recomputes every published disclosure report (every version) from the events up to its
 * checkpoint, with the fold that computed it, and checks that the report names the root of the
 * checkpoint signed at that size and that the report served (the read model) is the one published.
 */
export function auditDisclosureReports(config: PangolinConfig): Promise<DisclosureAudit> {
  return withStores(config, async (store, db, records) => {
    const { reports, results } = await auditDisclosures(store);
    const lines: string[] = [];
    let ok = true;
    for (const [i, report] of reports.entries()) {
      const name = `disclosure report ${report.reportId} version ${report.version} (${report.scope.kind === 'platform' ? 'platform' : `programme ${report.scope.programmeId}`}, ${report.period.from} to ${report.period.to}, checkpoint ${report.checkpoint.size})`;
      const result = results[i];
      const signed = await checkpointAt(records.manager, BigInt(report.checkpoint.size));
      const served = await disclosureReport(db.manager, report.reportId, report.version);
      const servedDifference = served ? firstDifference(served.report, (({ position: _, ...published }) => published)(report)) : undefined;
      let problem: string | undefined;
      if (!result.ok) problem = `its figure ${result.mismatch!.path} is ${JSON.stringify(result.mismatch!.published)}, but the events up to its checkpoint give ${JSON.stringify(result.mismatch!.recomputed)}`;
      else if (!signed) problem = `no checkpoint was signed at size ${report.checkpoint.size}`;
      else if (signed.rootHash !== report.checkpoint.rootHash) problem = `it names root ${report.checkpoint.rootHash}, but the checkpoint signed at size ${report.checkpoint.size} has root ${signed.rootHash}`;
      else if (servedDifference) problem = `the report served (table disclosure_reports) differs from the one published in the log at ${servedDifference.path.replace(/^\./, '')}: ${JSON.stringify(servedDifference.published)} served, ${JSON.stringify(servedDifference.recomputed)} published`;
      if (problem) {
        ok = false;
        lines.push(`Disclosure audit FAILED: ${name}: ${problem}.`);
      } else lines.push(`Disclosure recomputed: ${name} matches the events up to its checkpoint.`);
    }
    return { ok, lines };
  });
}

/** What one run of the audit command prints, in order, each line to standard output or error, and its exit code. */
export interface AuditRun {
  code: typeof AUDIT_PASSED | typeof AUDIT_FAILED | typeof AUDIT_NOT_RUN;
  lines: { to: 'stdout' | 'stderr'; text: string }[];
}

/** The audit command (`npm run audit`) on the configuration `env` gives: the Merkle log, the disclosure reports, the inclusion promises. */
export async function runAudit(env: NodeJS.ProcessEnv = process.env): Promise<AuditRun> {
  const lines: AuditRun['lines'] = [];
  const say = (text: string) => lines.push({ to: text.includes('FAILED') ? 'stderr' : 'stdout', text });
  let config: PangolinConfig;
  try {
    config = loadConfiguration(env);
  } catch (error) {
    lines.push({ to: 'stderr', text: error instanceof ConfigurationError ? `Configuration error: ${error.message}` : `Audit could not run: ${messageOf(error)}` });
    return { code: AUDIT_NOT_RUN, lines };
  }
  try {
    const report = await auditTransparencyLog(config);
    lines.push({ to: 'stdout', text: formatAuditReport(report) });
    const disclosures = await auditDisclosureReports(config);
    disclosures.lines.forEach(say);
    const promises = await auditInclusionPromises(config);
    promises.lines.forEach(say);
    return { code: report.ok && disclosures.ok && promises.ok ? AUDIT_PASSED : AUDIT_FAILED, lines };
  } catch (error) {
    lines.push({ to: 'stderr', text: `Audit could not run: ${messageOf(error)}` });
    return { code: AUDIT_NOT_RUN, lines };
  }
}

if (require.main === module) {
  void runAudit().then(({ code, lines }) => {
    for (const { to, text } of lines) (to === 'stdout' ? console.log : console.error)(text);
    process.exit(code);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
