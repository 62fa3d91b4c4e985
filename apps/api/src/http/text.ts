/**
 * Text that may enter the platform: well-formed Unicode (a lone UTF-16 surrogate cannot be stored
 * in PostgreSQL, nor read back the same from SQLite), and no control characters: NUL breaks
 * PostgreSQL text, the others only hide what a value says. Checked once for every string of every
 * request (body, query, path), so no field can forget it; fields of free text written over several
 * lines (reasons, notes) are marked with @MultilineText() and may hold line feeds and tabs.
 */

const MULTILINE_FIELDS = Symbol('pangolin:multiline-text');

/** This string field is free text that may run over several lines: "\n" and "\t" are allowed in it. */
export function MultilineText(): PropertyDecorator {
  return (target, property) => {
    const own: Set<string | symbol> = Object.prototype.hasOwnProperty.call(target, MULTILINE_FIELDS) ? Reflect.get(target, MULTILINE_FIELDS) : new Set();
    own.add(property);
    Reflect.set(target, MULTILINE_FIELDS, own);
  };
}

function allowsLineBreaks(holder: object, property: string): boolean {
  const fields: Set<string | symbol> | undefined = Reflect.get(holder, MULTILINE_FIELDS);
  return fields?.has(property) ?? false;
}

// C0 controls, DEL and C1 controls; line feed and tab are allowed only in multi-line fields.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export interface TextViolation {
  field: string;
  rule: 'isWellFormedUnicode' | 'hasNoControlCharacters';
  message: string;
}

/** What is wrong with one string value, if anything. */
export function checkText(field: string, value: string, multiline = false): TextViolation | undefined {
  if (!value.isWellFormed()) return { field, rule: 'isWellFormedUnicode', message: `${field} must be well-formed Unicode text (it holds an unpaired UTF-16 surrogate)` };
  const control = multiline ? CONTROL_BUT_LINE_BREAKS : CONTROL;
  if (control.test(value)) {
    return { field, rule: 'hasNoControlCharacters', message: `${field} must not hold control characters${multiline ? ' other than line feeds and tabs' : ''} (such as NUL)` };
  }
  return undefined;
}

/**
 * Every string in `value` (a request body after class-transformer, so nested DTOs are instances of
 * their classes and their @MultilineText marks are found), named by path like `personal.members[0].name`.
 * Walks without recursion: the body parser bounds the depth, but this must not depend on it.
 */
export function textViolations(value: unknown, root = ''): TextViolation[] {
  const found: TextViolation[] = [];
  const pending: { value: unknown; field: string; multiline: boolean }[] = [{ value, field: root, multiline: false }];
  while (pending.length) {
    const { value: current, field, multiline } = pending.pop() as (typeof pending)[number];
    if (typeof current === 'string') {
      const violation = checkText(field || 'body', current, multiline);
      if (violation) found.push(violation);
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, field: `${field}[${index}]`, multiline }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        pending.push({ value: item, field: field ? `${field}.${key}` : key, multiline: allowsLineBreaks(current, key) });
      }
    }
  }
  return found.reverse();
}
