import { Client, Pool } from 'pg';
import { isDatabaseUnavailable } from './database-unavailable';

const connectionString = process.env.PANGOLIN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The error a promise rejects with (fails the test if it fulfils). */
async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

async function connected(options: { statement_timeout?: number } = {}): Promise<Client> {
  const client = new Client({ connectionString, ...options });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Real errors from node-postgres and PostgreSQL: those of a database that is away, and those of a statement that is wrong. */
describe('isDatabaseUnavailable (PostgreSQL at PANGOLIN_TEST_POSTGRES_URL)', () => {
  it('recognises a refused connection, a terminated backend, a statement timeout and a pool that cannot connect in time', async () => {
    const refused = new Client({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    expect(isDatabaseUnavailable(await failure(refused.connect()))).toBe(true);

    const victim = await connected();
    const killer = await connected();
    try {
      const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const sleeping = failure(victim.query('SELECT pg_sleep(5)'));
      // Terminated while it runs: wait (5 s at most) until the server shows the statement under way.
      const running = async () => (await killer.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`, [rows[0].pid])).rowCount! > 0;
      for (const deadline = Date.now() + 5_000; !(await running()); await new Promise((resolve) => setTimeout(resolve, 10))) {
        if (Date.now() > deadline) throw new Error('the statement to terminate was not under way within 5 s');
      }
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      const terminated = await sleeping;
      expect(terminated).toMatchObject({ code: '57P01' });
      expect(isDatabaseUnavailable(terminated)).toBe(true);
      // The connection is gone: what it is asked next fails too, for the same reason.
      expect(isDatabaseUnavailable(await failure(victim.query('SELECT 1')))).toBe(true);
    } finally {
      await killer.end();
      await victim.end().catch(() => undefined);
    }

    const impatient = await connected({ statement_timeout: 50 });
    try {
      const cancelled = await failure(impatient.query('SELECT pg_sleep(1)'));
      expect(cancelled).toMatchObject({ code: '57014' });
      expect(isDatabaseUnavailable(cancelled)).toBe(true);
    } finally {
      await impatient.end();
    }

    const pool = new Pool({ connectionString, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try {
      expect(isDatabaseUnavailable(await failure(pool.query('SELECT 1')))).toBe(true);
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('does not take a wrong statement, a violated constraint or a bug for an outage', async () => {
    const client = await connected();
    try {
      expect(isDatabaseUnavailable(await failure(client.query('SELEC 1')))).toBe(false);
      expect(isDatabaseUnavailable(await failure(client.query('SELECT 1 / 0')))).toBe(false);
      expect(isDatabaseUnavailable(await failure(client.query('SELECT $1::int', ['not a number'])))).toBe(false);
      expect(isDatabaseUnavailable(await failure(client.query('CREATE TEMP TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (1)')))).toBe(false);
    } finally {
      await client.end();
    }
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'position')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
