/**
 * The ways a command can be refused. The HTTP layer maps them to status codes
 * (invalid -> 400, not-found -> 404, conflict -> 409, forbidden -> 403); the domain only names them.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'not-found' | 'conflict' | 'forbidden';
}

/** The command breaks a rule about one of its own fields: `field` names it, `rule` says what is required. */
export class InvalidCommand extends DomainError {
  readonly kind = 'invalid' as const;
  constructor(readonly field: string, readonly rule: string) {
    super(`${field} ${rule}`);
  }
}

/** The command is well formed but the current state does not allow it; `reason` says why. */
export class Conflict extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class NotFound extends DomainError {
  readonly kind = 'not-found' as const;
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

export class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(readonly reason: string) {
    super(reason);
  }
}
