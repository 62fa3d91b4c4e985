import { FastifyInstance } from 'fastify';
import { badRequest } from './validation';

/** Largest request body, in bytes: larger ones get 413 before they are read in full. */
export const BODY_LIMIT_BYTES = 1_048_576;
/** Deepest nesting of objects and arrays a request body may have; no DTO comes near it. */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether `text` nests deeper than `limit`, found in one pass without recursion, so a body of
 * 100,000 brackets costs a scan and not a parse (JSON parsing and everything after it recurse).
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/**
 * The API reads JSON bodies only: other content types get 415. The size limit applies while the
 * body is read (413), the depth limit before it is parsed (400), and the parse itself is Fastify's,
 * which refuses `__proto__` and `constructor.prototype` keys (prototype poisoning) and malformed JSON (400).
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_BODY_DEPTH)) {
      return done(badRequest([{ field: 'body', rule: 'maxDepth', message: `body must not nest objects and arrays more than ${MAX_BODY_DEPTH} levels deep`, code: 'validation.maxDepth', params: { max: MAX_BODY_DEPTH } }]), undefined);
    }
    parse(request, body as string, (error, parsed) => (error ? done(badRequest([{ field: 'body', rule: 'isJson', message: `body: ${error.message}`, code: 'validation.isJson' }]), undefined) : done(null, parsed)));
  });
}
