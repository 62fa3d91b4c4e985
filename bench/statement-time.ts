/**
 * SQLite's own time: every statement run through better-sqlite3 timed (it runs them synchronously,
 * so the time inside run/get/all is SQLite's work and the rows' conversion, commits included).
 * A floor for a benchmark: no change to the JavaScript around the statements goes under it.
 *
 * - In a benchmark's own process: `timeStatements(connection)` for one connection (projection catch-up).
 * - In the platform's process, as a preload: every connection, totals per database file printed to
 *   stderr when the process ends or is told to (SIGTERM), e.g.
 *   `BENCH_SERVER_NODE_ARGS="-r ./dist/bench/statement-time.js" node dist/bench/gifts-over-http.bench.js`.
 */
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { nowMs } from './stats';

type Statement = Database.Statement<unknown[], unknown>;
const TIMED_METHODS = ['run', 'get', 'all'] as const;

/** Makes `statement`'s run/get/all add their time to `add`. */
function timeStatement(statement: Statement, add: (ms: number) => void): Statement {
  for (const method of TIMED_METHODS) {
    const run = statement[method].bind(statement) as (...parameters: unknown[]) => unknown;
    (statement as unknown as Record<string, unknown>)[method] = (...parameters: unknown[]) => {
      const started = nowMs();
      try {
        return run(...parameters);
      } finally {
        add(nowMs() - started);
      }
    };
  }
  return statement;
}

/** Times every statement prepared on `connection` from now on; returns a reader of the total in ms. */
export function timeStatements(connection: Database.Database): () => number {
  let totalMs = 0;
  const prepare = connection.prepare.bind(connection) as (source: string) => Statement;
  connection.prepare = ((source: string) => timeStatement(prepare(source), (ms) => (totalMs += ms))) as typeof connection.prepare;
  return () => totalMs;
}

/** As a preload (`node -r`): every connection of the process, totals per database file. */
function timeEveryConnection(): void {
  const totals = new Map<string, { statements: number; ms: number }>();
  const prototype = Database.prototype as unknown as { prepare(this: Database.Database, source: string): Statement };
  const prepare = prototype.prepare;
  prototype.prepare = function (this: Database.Database, source: string) {
    const file = this.name === ':memory:' ? ':memory:' : basename(this.name);
    let total = totals.get(file);
    if (!total) totals.set(file, (total = { statements: 0, ms: 0 }));
    const counted = total;
    return timeStatement(prepare.call(this, source), (ms) => {
      counted.statements++;
      counted.ms += ms;
    });
  };
  let printed = false;
  const print = () => {
    if (printed) return;
    printed = true;
    const lines = [...totals].map(([file, { statements, ms }]) => `  ${file}: ${statements.toLocaleString('en-US')} statements, ${(ms / 1000).toFixed(2)} s`);
    process.stderr.write(`SQLite's own time in process ${process.pid} (statement-time.js):\n${lines.join('\n')}\n`);
  };
  process.once('exit', print);
  // Before the process's own handler closes the databases; once, so that a SIGTERM the process
  // raises again after its shutdown (as Nest does) finds no listener here and ends it.
  process.prependOnceListener('SIGTERM', print);
}

if (require.main !== module && process.execArgv.some((arg, i, all) => /statement-time(\.js)?$/.test(arg) && ['-r', '--require'].includes(all[i - 1] ?? ''))) timeEveryConnection();
