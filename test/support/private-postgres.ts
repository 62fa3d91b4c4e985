import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runToExit } from './child-process';

/** Where the PostgreSQL server programs are: PANGOLIN_TEST_POSTGRES_BIN, else Debian's layout (version 15, else the newest installed). */
const POSTGRES_BIN = process.env.PANGOLIN_TEST_POSTGRES_BIN ?? debianPostgresBin();

function debianPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb'))) : [];
  const chosen = versions.includes('15') ? '15' : versions.sort((a, b) => Number(b) - Number(a))[0] ?? '15';
  return join(root, chosen, 'bin');
}

/**
 * A PostgreSQL cluster of a test's own, in a temporary folder on a free port, that the test may
 * stop, restart and disturb without touching any other server. initdb and the server refuse to run
 * as root, so as root they run as the `postgres` user (runuser).
 */
export class PrivatePostgres {
  private constructor(private readonly folder: string, readonly port: number, private readonly asServerUser: string[]) {}

  static async create(): Promise<PrivatePostgres> {
    if (!existsSync(join(POSTGRES_BIN, 'initdb'))) {
      throw new Error(`no PostgreSQL server programs in ${POSTGRES_BIN}: install the PostgreSQL server (apt-get install postgresql) or set PANGOLIN_TEST_POSTGRES_BIN to the folder holding initdb and pg_ctl`);
    }
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-private-postgres-'));
    const asServerUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (asServerUser.length) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(folder, uid, -1);
    }
    const cluster = new PrivatePostgres(folder, await freePort(), asServerUser);
    await cluster.run('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs `sql` on a connection of its own (closed afterwards), as the superuser. */
  async query<T = any>(sql: string, parameters: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database), connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  start(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.dataDir, ...this.serverOptions, '-w', '-t', '30', 'start']);
  }

  /** Fast shutdown: open transactions are rolled back, every connection is closed. */
  stop(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  restartFast(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.dataDir, ...this.serverOptions, '-m', 'fast', '-w', '-t', '30', 'restart']);
  }

  /** pg_terminate_backend on every other session connected to `database`; how many it ended. */
  async terminateBackends(database: string): Promise<number> {
    const rows = await this.query<{ terminated: boolean }>('SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rows.filter((row) => row.terminated).length;
  }

  /** Stops the server (immediately) and removes its folder. */
  async destroy(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** The server's options and log file (without a log file, the server would hold pg_ctl's output open, and runToExit would never return). */
  private get serverOptions(): string[] {
    return ['-o', `-p ${this.port} -k ${this.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-l', join(this.folder, 'server.log')];
  }

  private get dataDir(): string {
    return join(this.folder, 'data');
  }

  private async run(program: string, args: string[]): Promise<void> {
    const [command, ...rest] = [...this.asServerUser, join(POSTGRES_BIN, program), ...args];
    const { code, stdout, stderr } = await runToExit(command, rest, { cwd: this.folder });
    if (code !== 0) throw new Error(`${program} ${args.join(' ')} failed (${code}): ${stdout}${stderr}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
