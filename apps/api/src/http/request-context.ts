import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal } from '../auth/principal';

/** Who made the request and the correlation id that will tie together every event it causes. */
export interface RequestContext {
  user: Principal;
  correlationId: string;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Takes X-Correlation-Id from the caller when it is well formed, else makes one. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest();
  const given = request.headers['x-correlation-id'];
  return { user: request.principal, correlationId: typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID() };
});
