/** Money as the API speaks it: an integer count of minor units (fen) with its currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** The perils a disaster is declared for (the domain's PERIL_KINDS). */
export const PERILS = ['flood', 'drought', 'earthquake', 'typhoon', 'landslide', 'hail', 'frost', 'wildfire'] as const;

/** The household categories (the domain's HOUSEHOLD_CATEGORIES: low-income, 低保户, 特困供养…). */
export const HOUSEHOLD_CATEGORIES = ['low-income', 'subsistence-allowance', 'extreme-poverty', 'disabled', 'elderly-alone', 'orphan', 'disaster-affected'] as const;

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

/** One refusal as the API states it: its stable code and parameters (and the field it is about), besides its English words. */
export interface Problem {
  field?: string;
  code: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * A refusal from the API (status 0: no answer reached the browser), with the message of each
 * invalid field keyed by the field's path, and each refusal's code and parameters in `problems`
 * for the page to say in its user's language (the session does: see session.tsx).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: Record<string, string>,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

/**
 * Whether a failed read is worth asking once more: no answer (the network), the server's own
 * failure (5xx), or "not now" (408, 429). Any other refusal (a 4xx) would only come again, a
 * second later, keeping the person waiting for the page to say why.
 */
export function worthAskingAgain(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429;
}

/** The answer's JSON, or undefined for an answer that is not (a proxy's error page). */
function parsed(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls the API with the session's bearer token. A 4xx/5xx answer becomes an ApiError carrying the
 * API's own words: `violations[i]` names the field of `message[i]` (validation), or the single
 * `message` (a rule of the domain); and their codes. A request that got no answer at all (the
 * network is down) is an ApiError with status 0 and the code `network`. `extraHeaders`: e.g. an
 * Idempotency-Key, so that sending the request again does nothing twice.
 */
export async function callApi<T>(method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, String(error), {}, [{ code: 'network', params: {}, message: String(error) }]);
  }
  const text = await response.text();
  const answer = parsed(text);
  if (response.ok) return answer as T;
  const messages: string[] = Array.isArray(answer?.message) ? answer.message : [String(answer?.message ?? response.statusText)];
  const fieldErrors: Record<string, string> = {};
  const violations: { field: string; rule: string; code?: string; params?: Record<string, unknown> }[] = answer?.violations ?? [];
  violations.forEach((violation, index) => {
    fieldErrors[violation.field] = messages[index] ?? messages[0];
  });
  const problems: Problem[] = violations.length
    ? violations.map((violation, index) => ({ field: violation.field, code: violation.code ?? 'validation.other', params: violation.params ?? { field: violation.field }, message: messages[index] ?? messages[0] }))
    : [{ code: typeof answer?.code === 'string' ? answer.code : 'http.error', params: answer?.params ?? {}, message: messages.join('; ') }];
  throw new ApiError(response.status, messages.join('; '), fieldErrors, problems);
}
