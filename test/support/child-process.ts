import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ApiClient } from './platform';

export const ROOT = join(__dirname, '..', '..');

export interface Child {
  process: ChildProcess;
  url: string;
  api: ApiClient;
  exited: Promise<void>;
  output: () => string;
}

const running = new Set<ChildProcess>();

/** Kills every child still running (call in afterAll: a failed test must not leave servers behind). */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Runs a built entry point (e.g. `dist/apps/api/src/main.js`, after `npm run build`) with `env`
 * on top of a minimal environment, and resolves once it logs `ready` followed by its URL.
 */
export async function startChild(script: string, env: Record<string, string>, ready: RegExp, args: readonly string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [join(ROOT, script), ...args], {
    cwd: ROOT,
    // PASSWORD_HASH_COST at its least, as test/support/platform.ts: a start with the demo seeded hashes a dozen passwords, and the tests sign in often.
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', PORT: '0', HOST: '127.0.0.1', PASSWORD_HASH_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 30_000);
    const check = () => {
      // eslint-disable-next-line no-control-regex
      const match = new RegExp(`${ready.source}\\s*(http:\\/\\/[^\\s;]+)`).exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(match[1]);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
    check();
  });
  return { process: child, url, api: new ApiClient(url), exited, output: () => output };
}

/** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
export async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

/** SIGTERM: the graceful shutdown. */
export async function stop(child: Child): Promise<void> {
  child.process.kill('SIGTERM');
  await child.exited;
}

/** Runs a command to its end without blocking the event loop (an in-process platform keeps serving meanwhile). */
export function runToExit(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
