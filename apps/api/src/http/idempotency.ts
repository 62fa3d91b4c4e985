import { applyDecorators, BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UnprocessableEntityException } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { finalize, Observable, of } from 'rxjs';
import { Conflict, deterministicId } from '@pangolin/domain';
import { EventStore, type RecordedEvent } from '@pangolin/event-store';
import { canonicalJson } from '@pangolin/transparency';
import { EVENT_STORE, EventPipeline, Principal } from '@pangolin/runtime';
import { IdempotentCreation, UNSETTLED_HEADER } from './request-context';

/**
 * `Idempotency-Key` on commands that create something (IETF httpapi draft
 * "The Idempotency-Key HTTP Header Field"): a client that did not get an answer (timeout, lost
 * connection, crashed server) sends the same request with the same key again and gets the first
 * answer, and nothing new is written.
 *
 * Crash-safe without a second store: the id of what the request creates is derived from
 * (caller, method, path, key), and the key and a fingerprint of the body travel in the metadata of
 * the event that creates it, written in the same append. A retry looks for that event: found with
 * the same fingerprint, the first answer is rebuilt from the ids; found with another, 422; not
 * found, the command runs (again) and creates the thing under the same id, so two attempts can
 * never create two things. Requests with the same key in flight in this process get 409.
 */

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** What an earlier request with the key created, as a route's lookup finds it. */
export interface EarlierCreation {
  /** Whether the earlier request had the same body (else the retry is refused with 422). */
  sameRequest: boolean;
  /** The first answer's body, rebuilt. */
  answer: unknown;
  /** Where the creating event is in the log: the replayed answer waits for it to settle like the first did. */
  position?: bigint;
}

export type CreationLookup = (request: { creation: IdempotentCreation; params: Record<string, string>; body: unknown }, services: ModuleRef) => Promise<EarlierCreation | undefined>;

interface IdempotentRoute {
  lookup: CreationLookup;
  /** Top-level body fields left out of the fingerprint (secrets, personal data: a hash of them must not outlive them). */
  fingerprintOmits: string[];
}

const IDEMPOTENT_ROUTE = 'pangolin:idempotent-route';

/** A key is 1 to 128 visible ASCII characters other than quote and backslash, bare or as a quoted structured-field string. */
const KEY = /^"?([\x21\x23-\x5b\x5d-\x7e]{1,128})"?$/;

/**
 * Marks a command that creates something: it accepts `Idempotency-Key`, documented in OpenAPI.
 * `lookup` finds what an earlier request with the key created (see createdByEvent).
 */
export function IdempotentCreationRoute(lookup: CreationLookup, options: { fingerprintOmits?: string[] } = {}) {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_ROUTE, { lookup, fingerprintOmits: options.fingerprintOmits ?? [] } satisfies IdempotentRoute),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes a retry safe (IETF httpapi Idempotency-Key draft): 1-128 visible ASCII characters (no quote or backslash), e.g. a UUID, bare or quoted. ' +
        'The same key with the same body gets the first answer again and creates nothing new; with another body 422; while the first request is still being processed 409. ' +
        'Keys are scoped to the signed-in caller and the path.',
      schema: { type: 'string', minLength: 1, maxLength: 130 },
    }),
    ApiResponse({ status: 409, description: 'A request with this Idempotency-Key is still being processed (or another conflict; see reason)' }),
    ApiResponse({ status: 422, description: 'This Idempotency-Key was already used with a different request body' }),
  );
}

/**
 * The lookup for things created by one event in an event stream (a gift, a household, a product,
 * a programme, a claim in its policy's stream, or a policy's issue): the event whose metadata carries
 * this creation, from which `answerOf` may rebuild the first answer.
 */
export function createdByEvent(streamOf: (createdId: string, params: Record<string, string>) => string, answerOf: (createdId: string, params: Record<string, string>, created: RecordedEvent) => unknown): CreationLookup {
  return async ({ creation, params }, services) => {
    const store = services.get<EventStore>(EVENT_STORE, { strict: false });
    const events = await store.readStream(streamOf(creation.createdId, params));
    const created = events.find((event) => event.metadata.idempotency?.createdId === creation.createdId);
    if (!created) return undefined;
    return { sameRequest: created.metadata.idempotency?.fingerprint === creation.fingerprint, answer: answerOf(creation.createdId, params, created), position: created.position };
  };
}

/** The id of what a request with an Idempotency-Key creates: the same for every retry by this caller with this key on this path. */
export function idempotentCreationId(userId: string, method: string, path: string, key: string): string {
  return deterministicId('idempotency', userId, method, path, key);
}

/** SHA-256 of the body as canonical JSON (keys sorted: equal bodies, equal fingerprints, whatever the key order). */
function fingerprintOf(body: unknown, omits: string[]): string {
  const kept = body && typeof body === 'object' && !Array.isArray(body) ? Object.fromEntries(Object.entries(body).filter(([field]) => !omits.includes(field))) : body;
  let canonical: string;
  try {
    canonical = canonicalJson(kept ?? null);
  } catch {
    // Unpaired surrogates (or nesting too deep to walk): this runs before the body's own checks.
    const message = 'a request with an Idempotency-Key needs a body that is well-formed Unicode JSON';
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message], violations: [{ field: 'body', rule: 'canonicalJson' }] });
  }
  return createHash('sha256').update(canonical).digest('hex');
}

function parseKey(header: string | string[]): string {
  // One header value (not repeated), its quotes, if any, in a pair.
  const match = typeof header === 'string' && header.startsWith('"') === header.endsWith('"') ? KEY.exec(header) : null;
  if (!match) {
    const message = 'Idempotency-Key must be one value of 1-128 visible ASCII characters other than " and \\, bare or in double quotes';
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message], violations: [{ field: 'Idempotency-Key', rule: 'idempotencyKey' }] });
  }
  return match[1];
}

/**
 * Applies Idempotency-Key to the routes marked with IdempotentCreationRoute (registered for the
 * whole application; runs after the guard, so the caller is known, and before the body pipes).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  /** createdIds of requests being processed by this process. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly reflector: Reflector, private readonly services: ModuleRef, private readonly pipeline: EventPipeline) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const route = this.reflector.get<IdempotentRoute | undefined>(IDEMPOTENT_ROUTE, context.getHandler());
    const request = context.switchToHttp().getRequest();
    const header: string | string[] | undefined = request.headers[IDEMPOTENCY_HEADER];
    if (!route || header === undefined) return next.handle();
    const key = parseKey(header);
    const principal: Principal = request.principal;
    const path = String(request.url).split('?')[0];
    const creation: IdempotentCreation = {
      key,
      createdId: idempotentCreationId(principal.userId, request.method, path, key),
      fingerprint: fingerprintOf(request.body, route.fingerprintOmits),
    };
    if (this.inFlight.has(creation.createdId)) throw new Conflict(`a request with Idempotency-Key "${key}" is still being processed; retry once it has been answered`, 'request.in-flight');
    this.inFlight.add(creation.createdId);
    let earlier: EarlierCreation | undefined;
    try {
      earlier = await route.lookup({ creation, params: request.params ?? {}, body: request.body }, this.services);
    } catch (error) {
      this.inFlight.delete(creation.createdId);
      throw error;
    }
    if (earlier) {
      this.inFlight.delete(creation.createdId);
      if (!earlier.sameRequest) {
        throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', message: `Idempotency-Key "${key}" was already used with a different request body; use a new key for a new request`, reason: 'idempotency key reused with another body', code: 'request.idempotency-key-reused' });
      }
      if (earlier.position !== undefined && !(await this.pipeline.settle(earlier.position))) context.switchToHttp().getResponse().header(UNSETTLED_HEADER, 'false');
      return of(earlier.answer);
    }
    request.idempotency = creation;
    return next.handle().pipe(finalize(() => this.inFlight.delete(creation.createdId)));
  }
}
