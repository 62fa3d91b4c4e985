import { formatDate, formatMoney } from '../format';

/** The dictionary prefixes whose labels name a value a refusal's parameter holds (a state, a peril…), by parameter. */
const VALUE_LABELS: Record<string, string[]> = {
  status: ['policyState', 'claimState', 'answerStatus', 'giftStatus'],
  lapsed: ['giftStatus'],
  peril: ['peril'],
  level: ['level'],
  role: ['role'],
  roles: ['role'],
  allowed: ['category', 'claimKind', 'peril', 'coverageKind', 'claimState', 'policyState'],
};

const FIELD_PARAMETERS = new Set(['field', 'other']);
const ISO_DAY = /^\d{4}-\d\d-\d\d$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/;

function isMoney(value: unknown): value is { amountMinor: number; currency: string } {
  return typeof value === 'object' && value !== null && typeof (value as { amountMinor?: unknown }).amountMinor === 'number' && typeof (value as { currency?: unknown }).currency === 'string';
}

/** A field's label: `field.<path>` without its indexes (personal.members[1].name -> personal.members.name). */
export function fieldLabel(path: string, dictionary: Record<string, string>): string | undefined {
  return dictionary[`field.${path.replace(/\[\d+\]/g, '')}`];
}

/**
 * A refusal's parameters as its text shows them: money in yuan (the API sends fen), dates in the
 * language's form, fields by their label ("this field" for one without), states and perils by
 * their label, lists joined as the language joins them.
 */
export function problemValues(params: Record<string, unknown>, dictionary: Record<string, string>, language: string): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  const labelOf = (name: string, value: string) => {
    for (const prefix of VALUE_LABELS[name] ?? []) if (dictionary[`${prefix}.${value}`]) return dictionary[`${prefix}.${value}`];
    return value;
  };
  for (const [name, value] of Object.entries(params)) {
    if (isMoney(value)) values[name] = formatMoney({ amount: value.amountMinor, currency: value.currency }, language);
    else if (FIELD_PARAMETERS.has(name) && typeof value === 'string') values[name] = fieldLabel(value, dictionary) ?? (name === 'field' ? dictionary['error.field'] : value);
    else if (Array.isArray(value)) values[name] = new Intl.ListFormat(language, { type: 'disjunction' }).format(value.map((item) => labelOf(name, String(item))));
    else if (typeof value === 'string' && (ISO_DAY.test(value) || ISO_TIME.test(value))) values[name] = formatDate(value, language);
    else if (typeof value === 'string') values[name] = labelOf(name, value);
    else if (typeof value === 'number') values[name] = value;
    else values[name] = String(value ?? '');
  }
  return values;
}
