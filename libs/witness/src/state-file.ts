/**
 * The witness's memory: for each log, the latest checkpoint it cosigned. One small JSON file,
 * replaced atomically and durably (write a temporary file, fsync it, rename it over the old one,
 * fsync the directory), so a crash leaves either the old or the new state, never a torn one, and
 * a cosignature is only sent once the state that justifies it is on disk.
 *
 *   { "format": "pangolin-witness-state/1",
 *     "logs": { "<origin>": { "size": "<decimal>", "rootHash": "<base64>", "checkpoint": "<signed note>" } } }
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeStandardBase64, encodeStandardBase64 } from '@pangolin/transparency';

export const STATE_FORMAT = 'pangolin-witness-state/1';

export interface LogState {
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  /** The checkpoint note as the log submitted it (its signature is the evidence of what the log claimed). */
  readonly checkpoint: string;
}

export class StateFileError extends Error {}

/** Reads the state file; a missing file is an empty state (a witness that never cosigned). */
export function readStateFile(path: string): Map<string, LogState> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const fail = (detail: string) => new StateFileError(`the witness state file ${path} is unreadable (${detail}); refusing to start rather than forget what was cosigned`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const root = json as { format?: unknown; logs?: unknown };
  if (typeof root !== 'object' || root === null || root.format !== STATE_FORMAT || typeof root.logs !== 'object' || root.logs === null) {
    throw fail(`expected {"format": "${STATE_FORMAT}", "logs": {...}}`);
  }
  const logs = new Map<string, LogState>();
  for (const [origin, value] of Object.entries(root.logs as Record<string, unknown>)) {
    const entry = value as { size?: unknown; rootHash?: unknown; checkpoint?: unknown };
    const rootHash = typeof entry?.rootHash === 'string' ? decodeStandardBase64(entry.rootHash) : undefined;
    if (typeof entry?.size !== 'string' || !/^(0|[1-9][0-9]*)$/.test(entry.size) || rootHash?.length !== 32 || typeof entry.checkpoint !== 'string') {
      throw fail(`the entry of ${JSON.stringify(origin)} is malformed`);
    }
    logs.set(origin, { size: BigInt(entry.size), rootHash, checkpoint: entry.checkpoint });
  }
  return logs;
}

export function formatState(logs: ReadonlyMap<string, LogState>): string {
  const entries = [...logs].map(([origin, state]) => [origin, { size: state.size.toString(10), rootHash: encodeStandardBase64(state.rootHash), checkpoint: state.checkpoint }]);
  return `${JSON.stringify({ format: STATE_FORMAT, logs: Object.fromEntries(entries) }, null, 2)}\n`;
}

/** Replaces `path` with `data` atomically and durably: temporary file, fsync, rename, fsync of the directory. */
export async function writeFileDurably(path: string, data: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/**
 * Saves whole snapshots one after another: each save writes the state as it is when its turn
 * comes, so a later write never loses an update an earlier one carried.
 */
export class StateFile {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  save(snapshot: () => string): Promise<void> {
    const write = this.queue.then(() => writeFileDurably(this.path, snapshot()));
    this.queue = write.catch(() => undefined);
    return write;
  }
}

/**
 * Takes `<state file>.lock` for this process, so two witnesses never share one state file (each
 * would cosign from its own view). A lock left by a process that is gone is taken over.
 */
export function lockStateFile(path: string): () => void {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new StateFileError(`the witness state file ${path} is in use by process ${holder} (${lockPath})`);
      }
      unlinkSync(lockPath);
    }
  }
  throw new StateFileError(`could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
