import { type ErrorCode, type ErrorParams, ruleCode } from './error-codes';

export * from './error-codes';

/**
 * The ways a command can be refused. The HTTP layer maps them to status codes
 * (invalid -> 400, not-found -> 404, conflict -> 409, forbidden -> 403); the domain only names them.
 * Besides its English message every refusal carries a stable `code` (one of ERROR_CODES) and the
 * `params` a translation fills in (money as {amountMinor, currency}, dates ISO, limits as numbers),
 * so a client can say it in its user's language.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'not-found' | 'conflict' | 'forbidden';
  abstract readonly code: ErrorCode;
  abstract readonly params: ErrorParams;
}

/**
 * The command breaks a rule about one of its own fields: `field` names it, `rule` says what is
 * required. The code and its parameters come from the rule's words (RULES in ./error-codes), unless
 * given: a rule about money gives them, since its words hold amounts only in minor units.
 */
export class InvalidCommand extends DomainError {
  readonly kind = 'invalid' as const;
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  constructor(readonly field: string, readonly rule: string, code?: ErrorCode, params: ErrorParams = {}) {
    super(`${field} ${rule}`);
    const derived = code ? { code, params } : ruleCode(rule);
    this.code = derived.code;
    this.params = { field, ...derived.params };
  }
}

/** The command is well formed but the current state does not allow it; `reason` says why. */
export class Conflict extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(readonly reason: string, readonly code: ErrorCode, readonly params: ErrorParams = {}) {
    super(reason);
  }
}

/** `what` names the thing ("policy 1f…"); `thing` is its kind, for the code. */
export class NotFound extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code: ErrorCode = 'not-found';
  readonly params: ErrorParams;
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.params = { thing: what.split(' ')[0] };
  }
}

export class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(readonly reason: string, readonly code: ErrorCode, readonly params: ErrorParams = {}) {
    super(reason);
  }
}
