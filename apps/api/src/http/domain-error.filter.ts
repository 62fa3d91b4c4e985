import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { Conflict, DomainError, Forbidden, InvalidCommand } from '@pangolin/domain';

const STATUS: Record<DomainError['kind'], [number, string]> = {
  invalid: [400, 'Bad Request'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not Found'],
  conflict: [409, 'Conflict'],
};

/** Turns a refusal from the domain into its HTTP answer, keeping the domain's words. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost) {
    const [statusCode, label] = STATUS[error.kind];
    const body: Record<string, unknown> = { statusCode, error: label, message: error.message };
    if (error instanceof InvalidCommand) body.violations = [{ field: error.field, rule: error.rule }];
    if (error instanceof Conflict || error instanceof Forbidden) body.reason = error.reason;
    // The JSON type explicitly: a route that answers text (a checkpoint note) has already set its own.
    host.switchToHttp().getResponse().status(statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
