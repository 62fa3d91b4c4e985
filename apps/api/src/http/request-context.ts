import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal } from '@pangolin/runtime';

/** What a request with a valid Idempotency-Key creates, handed to the command (RequestContext.idempotency; see idempotency.ts). */
export interface IdempotentCreation {
  /** The key as the client sent it (without the quotes of the structured-field string). */
  key: string;
  /** The id of the thing created: the same for every retry with this key, by this caller, on this path. */
  createdId: string;
  /** SHA-256 (hex) of the request body as canonical JSON, minus fields the route keeps out of it. */
  fingerprint: string;
}

/** Who made the request and the correlation id that will tie together every event it causes. */
export interface RequestContext {
  user: Principal;
  correlationId: string;
  /** Says in the answer that the command's consequences had not all reached the views in time. */
  markUnsettled(): void;
  /** Set when the request came with a valid Idempotency-Key on a route that creates something. */
  idempotency?: IdempotentCreation;
  /** The id for what this request creates: derived from its Idempotency-Key, so a retry creates the same thing; else random. */
  newId(): string;
}

/**
 * Header of a command's answer when SETTLE_TIMEOUT_MS ran out before its consequences (allocation,
 * policy requests, views) were all done: the command is recorded, but a read right after it may not
 * show everything yet.
 */
export const UNSETTLED_HEADER = 'pangolin-settled';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Takes X-Correlation-Id from the caller when it is well formed, else makes one. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest();
  const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>();
  const given = request.headers['x-correlation-id'];
  return {
    user: request.principal,
    correlationId: typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID(),
    markUnsettled: () => reply.header(UNSETTLED_HEADER, 'false'),
    idempotency: request.idempotency,
    newId: () => request.idempotency?.createdId ?? randomUUID(),
  };
});
