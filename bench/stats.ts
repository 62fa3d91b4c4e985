/** Small helpers shared by the benchmarks: timing, percentiles, formatting. */

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Nearest-rank percentile (p in 0..100) of `samples`, in the samples' unit. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** A change of memory in MB with its sign (+ for growth; a peak can be under its baseline when a collection ran meanwhile). */
export function formatGrowth(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${(bytes / 2 ** 20).toFixed(0)} MB`;
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/** One line of the summary table that run-all prints. */
export interface BenchRow {
  benchmark: string;
  scenario: string;
  /** What was counted, e.g. "5,000 events". */
  measured: string;
  /** e.g. "1,234 events/s". */
  throughput: string;
  /** What one latency sample is, e.g. "append", "pledge + payment". */
  latencyOf: string;
  p50: string;
  p99: string;
  notes?: string;
}

export function markdownTable(rows: readonly BenchRow[]): string {
  const header = ['Benchmark', 'Scenario', 'Measured', 'Throughput', 'Latency of', 'p50', 'p99', 'Notes'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${[row.benchmark, row.scenario, row.measured, row.throughput, row.latencyOf, row.p50, row.p99, row.notes ?? ''].join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * CPU seconds all processes of the machine have spent busy (not idle, not waiting for I/O) since boot,
 * from /proc/stat; undefined off Linux. Used to tell whether something else was running during a
 * measurement (the figures are only meaningful on an otherwise idle machine).
 */
export function machineBusySeconds(): number | undefined {
  try {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user/nice]
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / 100;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) process `pid` has used, from /proc; undefined off Linux. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state is field 0, utime field 11, stime field 12, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Measures, over a stretch of work, how many cores went to `pids` and how many to everything else. */
export class CpuMeter {
  private readonly machineBefore = machineBusySeconds();
  private readonly pidsBefore: (number | undefined)[];
  private readonly started = nowMs();

  constructor(private readonly pids: readonly (number | undefined)[]) {
    this.pidsBefore = pids.map(processCpuSeconds);
  }

  /** Cores used (1 = one core fully busy) by each pid, and by all other processes together. */
  stop(): { perPid: (number | undefined)[]; others: number | undefined } {
    const seconds = (nowMs() - this.started) / 1000;
    const perPid = this.pids.map((pid, index) => {
      const after = processCpuSeconds(pid);
      const before = this.pidsBefore[index];
      return after === undefined || before === undefined ? undefined : (after - before) / seconds;
    });
    const machineAfter = machineBusySeconds();
    const known = perPid.every((cores) => cores !== undefined);
    const others =
      this.machineBefore === undefined || machineAfter === undefined || !known
        ? undefined
        : Math.max(0, (machineAfter - this.machineBefore) / seconds - perPid.reduce((sum: number, cores) => sum + (cores ?? 0), 0));
    return { perPid, others };
  }
}

export function formatCores(cores: number | undefined): string {
  return cores === undefined ? 'n/a' : `${(cores * 100).toFixed(0)}%`;
}
