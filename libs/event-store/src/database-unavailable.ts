/** Node's codes for a network connection that could not be made or broke. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that say the server is (for now) not there to answer, not that the statement
 * was wrong: class 08 (connection exception), 57P01 admin_shutdown (also pg_terminate_backend),
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down), 57014 query_canceled
 * (a statement_timeout fired), 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** What node-postgres and pg-pool say, without a code, when a connection ends or cannot be had in time. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "Connection terminated unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: no connection within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Whether `error` means the database could not be reached or dropped the connection (a restart,
 * a terminated backend, an outage), so the same request may well succeed a little later. Anything
 * else, a constraint violation, a syntax error, a bug, is not: those must not be disguised as a
 * passing outage. Looks through `cause` and TypeORM's `driverError`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    const { cause, driverError } = current as { cause?: unknown; driverError?: unknown };
    current = driverError ?? cause;
  }
  return false;
}

/**
 * Matches exactly the errors isDatabaseUnavailable recognises under `instanceof`, so that a Nest
 * exception filter can `@Catch(DatabaseUnavailable)` them and leave every other error to the
 * filters that handle it, whatever order the filters are registered in.
 */
export abstract class DatabaseUnavailable {
  static [Symbol.hasInstance](error: unknown): boolean {
    return isDatabaseUnavailable(error);
  }
}
