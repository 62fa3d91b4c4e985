import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';

/** What the figures were measured on: printed at the top of every benchmark. */
export interface MachineDescription {
  cpuModel: string;
  cpuCount: number;
  totalMemoryGiB: number;
  node: string;
  platform: string;
  arch: string;
  sqlite: string;
  betterSqlite3: string;
  tmpdir: string;
  /** 1, 5 and 15 minute load averages when described: above ~0.5 something else is using the CPUs. */
  loadAverage: [number, number, number];
}

export function describeMachine(): MachineDescription {
  const cpuList = cpus();
  const db = new Database(':memory:');
  try {
    return {
      cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
      cpuCount: cpuList.length,
      totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      sqlite: db.prepare('select sqlite_version()').pluck().get() as string,
      betterSqlite3: require('better-sqlite3/package.json').version as string,
      tmpdir: tmpdir(),
      loadAverage: loadavg().map((value) => Math.round(value * 100) / 100) as [number, number, number],
    };
  } finally {
    db.close();
  }
}

/** Which code was measured: the commit, and whether the work tree had uncommitted changes. */
export function describeCode(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('log', '-1', '--format=%h %s');
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', '../..').split('\n').filter(Boolean).length;
    return `${commit}${changed > 0 ? ` (+ ${changed} uncommitted changed file${changed === 1 ? '' : 's'})` : ''}`;
  } catch {
    return 'unknown (not a git work tree)';
  }
}

/** One line per fact, ready to paste into markdown as a bullet list. */
export function formatMachine(machine: MachineDescription = describeMachine()): string {
  return [
    `- CPU: ${machine.cpuModel} × ${machine.cpuCount}`,
    `- Memory: ${machine.totalMemoryGiB} GiB`,
    `- Node.js: ${machine.node} (${machine.platform}/${machine.arch})`,
    `- SQLite: ${machine.sqlite} (better-sqlite3 ${machine.betterSqlite3})`,
    `- Temporary files in: ${machine.tmpdir}`,
    `- Code: ${describeCode()}`,
    `- Load average before the run (1/5/15 min): ${machine.loadAverage.join(' / ')}${machine.loadAverage[0] > 0.5 ? ' ⚠ other processes are busy: figures will be low and noisy' : ''}`,
  ].join('\n');
}

export function printMachine(): void {
  console.log('Machine:');
  console.log(formatMachine());
  console.log('');
}

if (require.main === module) printMachine();
