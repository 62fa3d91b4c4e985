import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '@pangolin/event-store';
import { EVENT_STORE, EventPipeline } from '@pangolin/runtime';
import type { ApiClient, RunningPlatform } from './platform';

/**
 * Waits in tests: each has a deadline, and fails naming what it waited for and the last value (or
 * error) it saw. Readiness only, never an assertion about time. Where the platform has a signal of
 * its own (EventPipeline.settle in process, the readiness report over HTTP), wait on that.
 */
export interface WaitOptions {
  /** How long to wait in all (default 15 s). */
  deadlineMs?: number;
  /** Pause between two checks (default 50 ms; 0: only yield to the event loop, for a narrow window). */
  intervalMs?: number;
}

const DEFAULT_DEADLINE_MS = 15_000;
const DEFAULT_INTERVAL_MS = 50;

/** Reads with `read` until `done` holds for the value read, and returns that value; a read that throws is tried again. */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, { deadlineMs = DEFAULT_DEADLINE_MS, intervalMs = DEFAULT_INTERVAL_MS }: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last = 'nothing (no check finished)';
  for (;;) {
    const outcome = await withinDeadline(read(), deadline);
    if (outcome.kind === 'value') {
      if (done(outcome.value)) return outcome.value;
      last = `last value ${describe(outcome.value)}`;
    } else if (outcome.kind === 'error') {
      last = `last error ${outcome.error instanceof Error ? outcome.error.message : describe(outcome.error)}`;
    }
    const left = deadline - Date.now();
    if (outcome.kind === 'late' || left <= 0) throw new Error(`${what}: not within ${deadlineMs} ms (${outcome.kind === 'late' ? 'a check was still running at the deadline; ' : ''}${last})`);
    await (intervalMs > 0 ? sleep(Math.min(intervalMs, left)) : nextTurn());
  }
}

/** Checks with `check` until it returns a value other than undefined, and returns that value; a check that throws is tried again. */
export function eventually<T>(what: string, check: () => Promise<T | undefined>, options?: WaitOptions): Promise<T> {
  return until(what, check, (value): value is T => value !== undefined, options) as Promise<T>;
}

/**
 * Waits until every projection and process manager of the in-process `platform` has dealt with the
 * whole log (as it stands now) and with what that caused: EventPipeline.settle, the wait commands'
 * answers use, asked again while it gives up (each try lasts SETTLE_TIMEOUT_MS) until the deadline.
 */
export async function settled(platform: RunningPlatform, { deadlineMs = 30_000 }: { deadlineMs?: number } = {}): Promise<void> {
  const head = await platform.app.get<EventStore>(EVENT_STORE).headPosition();
  const pipeline = platform.app.get(EventPipeline);
  await eventually(`the views and process managers settled at ${head}`, async () => (await pipeline.settle(head)) || undefined, { deadlineMs, intervalMs: 10 });
}

/**
 * Waits until a platform reached over HTTP (a child process, say) has caught up with its log, by
 * its own readiness report (GET /health/ready): every projection and process manager checkpointed
 * at one position, and the head of the log still there when asked again (so nothing a process
 * manager appended meanwhile is left out). Returns that position.
 */
export async function caughtUp(api: ApiClient, { deadlineMs = 60_000 }: { deadlineMs?: number } = {}): Promise<bigint> {
  const reading = await until(
    'every projection and process manager at the head of the log',
    async () => {
      const checkpoints = ((await api.get('/health/ready')).body?.checks?.projections ?? []).map(({ name, checkpoint }: { name: string; checkpoint: string }) => `${name}@${checkpoint}`);
      const head: string | undefined = (await api.get('/health/ready')).body?.checks?.eventStore?.head;
      return { checkpoints, head };
    },
    ({ checkpoints, head }) => head !== undefined && checkpoints.length > 0 && checkpoints.every((entry: string) => entry.endsWith(`@${head}`)),
    { deadlineMs, intervalMs: 100 },
  );
  return BigInt(reading.head!);
}

type Outcome<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'late' };

/** The check's outcome, or 'late' if it has not finished by the deadline (a check that hangs must not hold the wait past it). */
async function withinDeadline<T>(check: Promise<T>, deadline: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: 'late' }), Math.max(0, deadline - Date.now()) + 1_000)));
  try {
    return await Promise.race([check.then((value): Outcome<T> => ({ kind: 'value', value }), (error: unknown): Outcome<T> => ({ kind: 'error', error })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A value for an error message: JSON (bigints as 123n), cut short. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_, item) => (typeof item === 'bigint' ? `${item}n` : item)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
