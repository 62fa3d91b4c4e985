import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Conflict, DomainError, ERROR_CODES, type ErrorCode, Forbidden, InvalidCommand } from '@pangolin/domain';

const STATUS: Record<DomainError['kind'], [number, string]> = {
  invalid: [400, 'Bad Request'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not Found'],
  conflict: [409, 'Conflict'],
};

/** Turns a refusal from the domain into its HTTP answer, keeping the domain's words, with its code and parameters. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost) {
    const [statusCode, label] = STATUS[error.kind];
    const body: Record<string, unknown> = { statusCode, error: label, message: error.message, code: error.code, params: error.params };
    if (error instanceof InvalidCommand) body.violations = [{ field: error.field, rule: error.rule, code: error.code, params: error.params }];
    if (error instanceof Conflict || error instanceof Forbidden) body.reason = error.reason;
    // The JSON type explicitly: a route that answers text (a checkpoint note) has already set its own.
    host.switchToHttp().getResponse().status(statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

/** The code of an HTTP answer that did not state one: by its status. */
function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'auth.unauthorized';
  if (status === 403) return 'auth.forbidden';
  if (status === 404) return 'http.not-found';
  if (status === 413) return 'http.payload-too-large';
  if (status === 429) return 'http.too-many-requests';
  return 'http.error';
}

/**
 * Every other refusal (Nest's HttpExceptions: an unknown route, a missing or expired token, a
 * role not allowed) answered as Nest would, plus a `code` (and `params`), and a code on each
 * violation that has none, so a client can translate every refusal.
 */
@Catch(HttpException)
export class HttpErrorFilter implements ExceptionFilter {
  catch(error: HttpException, host: ArgumentsHost) {
    const statusCode = error.getStatus();
    const answer = error.getResponse();
    const body: Record<string, unknown> = typeof answer === 'string' ? { statusCode, message: answer } : { ...answer };
    body.code ??= codeOfStatus(statusCode);
    body.params ??= {};
    if (Array.isArray(body.violations)) {
      const violations = (body.violations as { field: string; rule: string; code?: string }[]).map((violation) => {
        if (violation.code) return violation;
        const code = `validation.${violation.rule}`;
        return { ...violation, code: (ERROR_CODES as readonly string[]).includes(code) ? code : 'validation.other', params: { field: violation.field, rule: violation.rule } };
      });
      body.violations = violations;
      if (violations.length && (body.code === 'http.error' || !answer || typeof answer === 'string' || !('code' in answer))) body.code = violations[0].code;
    }
    host.switchToHttp().getResponse().status(statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
