import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { assertIsoDate, InvalidCommand } from '@pangolin/domain';
import { CURSOR_PATTERN, DEFAULT_PAGE_LIMIT, MAX_CURSOR_LENGTH, MAX_PAGE_LIMIT, type PageRequest } from '@pangolin/read-models';

/** The paging convention, as the OpenAPI document and the README state it. */
export const PAGING_CONVENTION =
  `Every list answers { items, nextCursor }: at most \`limit\` items (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT}) in a stable order, ` +
  'and nextCursor, an opaque string to pass back as `cursor` for the next page (null on the last page). Filters stay the same from page to page. ' +
  'A limit out of range or a cursor this list did not make is refused with 400 naming `limit` or `cursor`.';

const LIMIT = /^[0-9]{1,4}$/;

function single(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidCommand(field, 'must be given once');
  return value;
}

/** `limit` and `cursor` of a list request, checked: a 400 names the field. */
export function pageRequest(limit: unknown, cursor: unknown): PageRequest {
  const limitText = single('limit', limit);
  const count = limitText === undefined ? DEFAULT_PAGE_LIMIT : LIMIT.test(limitText) ? Number(limitText) : NaN;
  if (!(count >= 1 && count <= MAX_PAGE_LIMIT)) throw new InvalidCommand('limit', `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  const cursorText = single('cursor', cursor);
  if (cursorText !== undefined && (cursorText.length > MAX_CURSOR_LENGTH || !CURSOR_PATTERN.test(cursorText))) throw new InvalidCommand('cursor', 'must be a cursor this list returned as nextCursor');
  return { limit: count, cursor: cursorText };
}

/**
 * The page a list request asks for (`limit`, `cursor`), for every list of the API, documented in
 * OpenAPI where it is used, so every list pages the same way.
 */
export const Paging = createParamDecorator(
  (_: unknown, context: ExecutionContext): PageRequest => {
    const query = (context.switchToHttp().getRequest<{ query: Record<string, unknown> }>().query ?? {}) as Record<string, unknown>;
    return pageRequest(query.limit, query.cursor);
  },
  [
    (target, key) => {
      const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
      ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT }, description: 'Items per page' })(target, key!, descriptor);
      ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', maxLength: MAX_CURSOR_LENGTH, pattern: CURSOR_PATTERN.source }, description: 'The nextCursor of the previous page' })(target, key!, descriptor);
    },
  ],
);

/** An optional `true`/`false` filter. */
export function booleanParameter(field: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new InvalidCommand(field, 'must be true or false');
  return value === 'true';
}

/** An optional filter taking one of `allowed`. */
export function enumParameter<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new InvalidCommand(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** An optional text filter (a code, a number, an id) of at most `maxLength` characters. */
export function textParameter(field: string, value: string | undefined, maxLength: number): string | undefined {
  const text = single(field, value);
  if (text !== undefined && (text.length === 0 || text.length > maxLength)) throw new InvalidCommand(field, `must be 1 to ${maxLength} characters`);
  return text;
}

/** An optional calendar date filter (YYYY-MM-DD). */
export function dateParameter(field: string, value: string | undefined): string | undefined {
  const date = single(field, value);
  if (date !== undefined) assertIsoDate(date, field);
  return date;
}

export const DATE_SCHEMA = { type: 'string', format: 'date' } as const;
export const BOOLEAN_SCHEMA = { type: 'string', enum: ['true', 'false'] };
export const textSchema = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
