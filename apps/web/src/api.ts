/** Money as the API speaks it: an integer count of minor units (fen) with its currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** The perils a disaster is declared for (the domain's PERIL_KINDS). */
export const PERILS = ['flood', 'drought', 'earthquake', 'typhoon', 'landslide', 'hail', 'frost', 'wildfire'] as const;

export type Role = 'donor' | 'insurer' | 'government' | 'auditor' | 'admin';

export interface Principal {
  userId: string;
  username: string;
  role: Role;
  displayName: string;
  insurerId?: string;
  regionCode?: string;
}

/** One page of a list: every list of the API answers so; `nextCursor` (null on the last page) asks for the next. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Items per page the web asks for: short pages on a phone, and a first page the API answers quickly whatever the list's size. */
export const PAGE_SIZE = 20;

/** `path` asking for the page after `cursor`. */
export function pageAfter(path: string, cursor: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

/** A refusal from the API, with the message of each invalid field keyed by the field's path. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * Calls the API with the session's bearer token. A 4xx/5xx answer becomes an ApiError carrying the
 * API's own words: `violations[i]` names the field of `message[i]` (validation), or the single
 * `message` (a rule of the domain).
 */
export async function callApi<T>(method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  const text = await response.text();
  const answer = text ? JSON.parse(text) : undefined;
  if (response.ok) return answer as T;
  const messages: string[] = Array.isArray(answer?.message) ? answer.message : [String(answer?.message ?? response.statusText)];
  const fieldErrors: Record<string, string> = {};
  (answer?.violations ?? []).forEach((violation: { field: string; rule: string }, index: number) => {
    fieldErrors[violation.field] = messages[index] ?? messages[0];
  });
  throw new ApiError(response.status, messages.join('; '), fieldErrors);
}
