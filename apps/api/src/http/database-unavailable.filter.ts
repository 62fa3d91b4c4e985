import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { DatabaseUnavailable } from '@pangolin/event-store';

/** What a client is told to wait before trying again: about as long as a database restart or a failover takes. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A request that failed because a store could not be reached or dropped its connection (a restart,
 * a terminated backend, an outage) is answered 503 with Retry-After: the same request may succeed
 * shortly, and the platform recovers by itself. Only those errors (see isDatabaseUnavailable): any
 * other error still reaches the other filters, and a bug is still a 500.
 *
 * A command that failed this way may or may not have been recorded (its commit may have happened
 * just before the connection broke); retrying it is safe where the command is idempotent.
 */
@Catch(DatabaseUnavailable)
export class DatabaseUnavailableFilter implements ExceptionFilter {
  private readonly logger = new Logger(DatabaseUnavailableFilter.name);

  catch(error: Error, host: ArgumentsHost) {
    this.logger.warn(`database unavailable: ${error.message}`);
    host
      .switchToHttp()
      .getResponse()
      .status(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .header('content-type', 'application/json; charset=utf-8')
      .send({ statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable; try again shortly', code: 'http.unavailable', params: {} });
  }
}
