/**
 * The stable codes of every refusal, and what each fills in. A client translates a refusal by its
 * code (the web app's dictionaries hold `error.<code>` for each of ERROR_CODES, a test checks it);
 * the English message stays for logs and API users.
 */

/** Money in a refusal: minor units (fen) and currency, for the client to show in yuan. */
export interface MoneyParam {
  amountMinor: number;
  currency: string;
}

export type ErrorParam = string | number | MoneyParam | readonly string[] | null;
export type ErrorParams = Readonly<Record<string, ErrorParam>>;

export function moneyParam(money: { amount: number; currency: string }): MoneyParam {
  return { amountMinor: money.amount, currency: money.currency };
}

const num = Number;
const list = (text: string) => text.split(', ');

/**
 * The rules a field can break, by their English words (InvalidCommand's `rule`): each pattern's
 * groups become the code's parameters. The domain words a rule once; a new wording needs its line
 * here (apps/api/src/http/error-codes.unit.spec.ts finds every rule the sources throw and checks it has one).
 */
export const RULES = [
  [/^must not be empty$/, 'invalid.required', () => ({})],
  [/^is required$/, 'invalid.required', () => ({})],
  [/^is required unless (\w+) is given$/, 'invalid.required-unless', (m) => ({ other: m[1] })],
  [/^must be a UUID$/, 'invalid.uuid', () => ({})],
  [/^must be a whole number from (\d+)$/, 'invalid.min', (m) => ({ min: num(m[1]) })],
  [/^must be at least (\d+)$/, 'invalid.min', (m) => ({ min: num(m[1]) })],
  [/^must be a whole number from (\d+) to (\d+)$/, 'invalid.range', (m) => ({ min: num(m[1]), max: num(m[2]) })],
  [/^must be a whole number of days from (\d+) to (\d+)$/, 'invalid.days-range', (m) => ({ min: num(m[1]), max: num(m[2]) })],
  [/^must be a whole number of basis points from (\d+) to (\d+)$/, 'invalid.range', (m) => ({ min: num(m[1]), max: num(m[2]) })],
  [/^must be (\d+) to (\d+) characters$/, 'invalid.length', (m) => ({ min: num(m[1]), max: num(m[2]) })],
  [/^must be at most (\d+) characters$/, 'invalid.max-length', (m) => ({ max: num(m[1]) })],
  // class-validator's IsIn says "must be one of the following values: a, b": the values alone are allowed.
  [/^must be one of (?:the following values: )?(.+)$/, 'invalid.one-of', (m) => ({ allowed: list(m[1]) })],
  [/^must be one or more of (.+), separated by commas$/, 'invalid.some-of', (m) => ({ allowed: list(m[1]) })],
  [/^must be (\w+(?:-\w+)?) or ([\w-]+)$/, 'invalid.one-of', (m) => ({ allowed: [m[1], m[2]] })],
  [/^must be both, en or zh-CN$/, 'invalid.one-of', () => ({ allowed: ['both', 'en', 'zh-CN'] })],
  [/^must be true when given$/, 'invalid.one-of', () => ({ allowed: ['true'] })],
  [/^must not be after today \((\d{4}-\d\d-\d\d)\)$/, 'invalid.after-today', (m) => ({ today: m[1] })],
  [/^must not be before (\w+)$/, 'invalid.before-other', (m) => ({ other: m[1] })],
  [/^must not be larger than (\w+)$/, 'invalid.larger-than-other', (m) => ({ other: m[1] })],
  [/^must not be given with (\w+)(?: and (\w+))?$/, 'invalid.not-with', (m) => ({ other: m[2] ? [m[1], m[2]] : [m[1]] })],
  [/^must be at most (\d+) days after (\w+)$/, 'invalid.max-days-after', (m) => ({ max: num(m[1]), other: m[2] })],
  [/^must not be larger than the log, which has (\d+) leaves$/, 'invalid.beyond-log', (m) => ({ size: num(m[1]) })],
  [/^must be an administrative division code of 2, 4, 6, 9 or 12 digits$/, 'invalid.region-code', () => ({})],
  [/^must be (?:one list of )?at most (\d+) division codes(?: of 2, 4, 6, 9 or 12 digits)?, comma-separated$/, 'invalid.region-code-list', (m) => ({ max: num(m[1]) })],
  [/^must be an? (\w+) code \((\d+) digits\)$/, 'invalid.region-level', (m) => ({ level: m[1], digits: num(m[2]) })],
  [/^must be a calendar date in the form YYYY-MM-DD$/, 'invalid.date', () => ({})],
  [/^must be a month written YYYY-MM$/, 'invalid.month', () => ({})],
  [/^must be a quarter in the form YYYY-Q1 to YYYY-Q4$/, 'invalid.quarter', () => ({})],
  [/^must be an ISO 8601 time stamp$/, 'invalid.timestamp', () => ({})],
  [/^must be an integer number of minor units \(e\.g\. fen\)$/, 'invalid.money-amount', () => ({})],
  [/^must be greater than 0$/, 'invalid.positive', () => ({})],
  [/^must not be negative$/, 'invalid.not-negative', () => ({})],
  [/^must be a three-letter ISO 4217 code such as CNY$/, 'invalid.currency', () => ({})],
  [/^must be the (?:premium|policy) currency (\w+)$/, 'invalid.currency-must-be', (m) => ({ currency: m[1] })],
  [/^must be (\w+), the currency of the product's premium$/, 'invalid.currency-must-be', (m) => ({ currency: m[1] })],
  [/^must be the currency of ([\w.]+)$/, 'invalid.same-currency-as', (m) => ({ other: m[1] })],
  [/^must be at least ([\w.]+)$/, 'invalid.at-least-other', (m) => ({ other: m[1] })],
  [/^must not exceed ([\w.]+)$/, 'invalid.not-above-other', (m) => ({ other: m[1] })],
  [/^must be an 18-character resident ID number (?:with a valid birth date and check character|\(17 digits and a check digit or X\))$/, 'invalid.national-id', () => ({})],
  [/^must be a (\d+)-digit (\w+) code$/, 'invalid.region-level', (m) => ({ level: m[2], digits: num(m[1]) })],
  [/^must not be blank$/, 'invalid.required', () => ({})],
  [/^must differ from ([\w.[\]]+): one person, one household member$/, 'invalid.same-person', (m) => ({ other: m[1] })],
  [/^must name at least one (household|gift)$/, 'invalid.empty-list', () => ({})],
  [/^must name each (?:household|row) once$/, 'invalid.repeated', () => ({})],
  [/^must not list a peril twice$/, 'invalid.repeated', () => ({})],
  [/^must list 1 to (\d+) (?:perils|region codes)$/, 'invalid.list-length', (m) => ({ min: 1, max: num(m[1]) })],
  [/^must list at most (\d+) indexes$/, 'invalid.list-length', (m) => ({ min: 1, max: num(m[1]) })],
  [/^must not repeat or lie within another declared region$/, 'invalid.region-overlap', () => ({})],
  [/^must be a level from 1 \(most severe\) to 4$/, 'invalid.range', () => ({ min: 1, max: 4 })],
  [/^must give 4 shares, for severity 1 to 4$/, 'invalid.list-length', () => ({ min: 4, max: 4 })],
  [/^must be from (\d{4}-\d\d-\d\d), the day the premium was funded, to (\d{4}-\d\d-\d\d) \((\d+) days later\)$/, 'invalid.start-window', (m) => ({ from: m[1], to: m[2], days: num(m[3]) })],
  [/^must be absent on the first version of a report \(nothing is corrected yet\)$/, 'invalid.must-be-absent', () => ({})],
  [/^must be (?:a|a positive) whole number in decimal, without leading zeros$/, 'invalid.whole-number', () => ({})],
  [/^must be a cursor this list returned as nextCursor$/, 'invalid.cursor', () => ({})],
  [/^must be given once$/, 'invalid.single-value', () => ({})],
  [/^must hold at most (\d+) files$/, 'invalid.list-length', (m) => ({ min: 0, max: num(m[1]) })],
  [/^must be a SHA-256 in 64 lower-case hexadecimal digits$/, 'invalid.sha256', () => ({})],
  [/^must be 1 to (\d+) bytes$/, 'invalid.file-size', (m) => ({ max: num(m[1]) })],
  [/^must name a file uploaded with POST \/evidence$/, 'invalid.evidence-missing', () => ({})],
  [/^names a file whose bytes no longer match it$/, 'invalid.evidence-altered', () => ({})],
  [/^must be the file's bytes, sent as (.+)$/, 'invalid.evidence-body', (m) => ({ allowed: list(m[1]) })],
  [/^must be a PDF, JPEG, PNG or WebP file \(its first bytes say it is none of them\)$/, 'invalid.evidence-type', () => ({})],
] as const satisfies readonly (readonly [RegExp, string, (m: RegExpExecArray) => Record<string, ErrorParam>])[];

/** Codes of refusals whose words are not a rule of RULES: conflicts, forbidden actions, and rules given their code explicitly. */
const OTHER_CODES = [
  'not-found',
  'invalid.other',
  'invalid.amount-above-claimed',
  'invalid.contributions-total',
  // Answers of the HTTP layer itself (not the domain's).
  'auth.unauthorized',
  'auth.forbidden-role',
  'auth.forbidden',
  'household.not-yours',
  'http.not-found',
  'http.too-many-requests',
  'http.payload-too-large',
  'http.error',
  'validation.isWellFormedUnicode',
  'validation.hasNoControlCharacters',
  'validation.isObject',
  'validation.whitelistValidation',
  'validation.isNotEmpty',
  'validation.isString',
  'validation.maxLength',
  'validation.minLength',
  'validation.isInt',
  'validation.min',
  'validation.max',
  'validation.isIn',
  'validation.isEnum',
  'validation.matches',
  'validation.isDateString',
  'validation.isISO8601',
  'validation.arrayMinSize',
  'validation.arrayMaxSize',
  'validation.isArray',
  'validation.isBoolean',
  'validation.nestedValidation',
  'validation.isDefined',
  'validation.other',
  'validation.canonicalJson',
  'validation.idempotencyKey',
  'validation.signedInGovernmentOrInsurer',
  'validation.isCalendarDate',
  'validation.isValidUrl',
  'validation.maxDepth',
  'validation.isJson',
  'validation.isPositive',
  'auth.token-required',
  'auth.session-expired',
  'auth.wrong-password',
  'request.idempotency-key-reused',
  'http.unavailable',
  // Conflicts and forbidden actions.
  'account.username-taken',
  'claim.already-decided',
  'claim.already-filed',
  'claim.already-paid',
  'claim.amount-exceeds-cover',
  'claim.approval-exceeds-cover',
  'claim.incident-in-waiting-period',
  'claim.incident-outside-period',
  'claim.no-cover-left',
  'claim.no-day-covered',
  'claim.not-approved',
  'claim.parametric-one-step',
  'claim.peril-not-covered',
  'claim.policy-not-in-force',
  'declaration.already-answered',
  'declaration.already-made',
  'declaration.no-covering-product',
  'declaration.not-confirmed',
  'declaration.you-disputed',
  'disclosure.needs-correction-note',
  'disclosure.older-checkpoint',
  'funding.round-not-begun',
  'funding.round-not-funded',
  'gift.already-paid',
  'gift.already-pledged',
  'gift.exceeds-escrow',
  'gift.lapsed',
  'gift.not-for-programme',
  'gift.not-paid-yet',
  'gift.other-donor',
  'gift.paid-cannot-expire',
  'gift.paid-cannot-withdraw',
  'gift.payment-mismatch',
  'gift.payment-reference-used',
  'gift.pledge-expired',
  'gift.pledge-still-open',
  'gift.refund-exceeds-contribution',
  'household.already-erased',
  'household.already-registered',
  'household.erase-by-registrar',
  'household.import-repeated-id',
  'household.national-id-taken',
  'household.national-id-taken-elsewhere',
  'household.not-eligible',
  'household.not-verified',
  'household.outside-region',
  'money.currency-mismatch',
  'parked.already-dismissed',
  'parked.dismissed',
  'parked.replay-failed',
  'policy.already-ended',
  'policy.date-outside-period',
  'policy.not-active',
  'policy.not-requested',
  'policy.number-taken',
  'policy.other-insurer',
  'policy.still-covering',
  'product.already-published',
  'product.other-insurer',
  'product.retired',
  'programme.already-launched',
  'programme.closed',
  'region.outside-yours',
  'request.concurrent-change',
  'request.duplicate',
  'request.in-flight',
] as const;

type RuleCode = (typeof RULES)[number][1];
export type ErrorCode = RuleCode | (typeof OTHER_CODES)[number];

/** Every code a refusal of the API can carry. */
export const ERROR_CODES: readonly ErrorCode[] = [...new Set<ErrorCode>([...RULES.map(([, code]) => code), ...OTHER_CODES])];

/** The code and parameters of a rule's words; 'invalid.other' (with the words) for words RULES does not know. */
export function ruleCode(rule: string): { code: ErrorCode; params: Record<string, ErrorParam> } {
  for (const [pattern, code, params] of RULES) {
    const match = pattern.exec(rule);
    if (match) return { code, params: params(match) };
  }
  return { code: 'invalid.other', params: { rule } };
}
