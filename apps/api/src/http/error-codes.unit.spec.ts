import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, ruleCode } from '@pangolin/domain';

/** The repository: every source under apps/ and libs/ is read (the domain's own tests may not touch files). */
const ROOT = join(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'web' ? [] : sources(path);
    return name.endsWith('.ts') && !name.includes('.spec.') ? [path] : [];
  });
}

/** The text of the call's arguments from `open` (just after its parenthesis), up to its closing one. */
function argumentsOf(text: string, open: number): string {
  let depth = 1;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return text.slice(open, i);
  }
  throw new Error('unbalanced call');
}

/** Values a template's `${…}` may stand for: a number, a date, a code, a list. */
const SAMPLES = ['1', '2026-01-01', 'CNY', 'a, b', 'province'];

function renderings(template: string): string[] {
  const parts = template.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/);
  let texts = [parts[0]];
  for (const part of parts.slice(1)) texts = texts.flatMap((text) => SAMPLES.map((sample) => text + sample + part));
  return texts;
}

describe('the codes of refusals', () => {
  const files = ['libs', 'apps'].flatMap((dir) => sources(join(ROOT, dir)));

  it('give every rule an InvalidCommand is thrown with a code of its own (none falls back to invalid.other)', () => {
    const unknown: string[] = [];
    let found = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new InvalidCommand\(/g)) {
        const args = argumentsOf(text, match.index + match[0].length);
        if (/,\s*'[a-z-]+\.[a-z-]+'/.test(args)) continue; // its code given explicitly
        // The rule: every string or template literal after the field (a ternary gives two), or a constant of the file.
        const afterField = args.replace(/^(`[^`]*`|'[^']*'|[\w.]+)\s*,\s*/, '');
        const literals = [...afterField.matchAll(/'([^']*)'|`([^`]*)`/g)].map((m) => (m[1] !== undefined ? [m[1]] : renderings(m[2])));
        const constant = /^[A-Z_]+$/.test(afterField.trim()) ? new RegExp(`const ${afterField.trim()} = '([^']*)'`).exec(text)?.[1] : undefined;
        const rules = constant !== undefined ? [[constant]] : literals;
        if (rules.length === 0) unknown.push(`${file}: ${args}`);
        for (const candidates of rules) {
          found++;
          if (!candidates.some((rule) => ruleCode(rule).code !== 'invalid.other')) unknown.push(`${file}: ${candidates[0]}`);
        }
      }
    }
    expect(found).toBeGreaterThan(80);
    expect(unknown).toEqual([]);
  });

  it('name only codes of the registry where a conflict or a forbidden action is thrown, and every one of them', () => {
    const thrown = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new (Conflict|Forbidden)\(/g)) {
        const args = argumentsOf(text, match.index + match[0].length);
        const code = /^(?:`(?:[^`]|\$\{[^}]*\})*`|'[^']*'|[\w.]+)\s*,\s*'([^']+)'/.exec(args)?.[1];
        expect([file, args.slice(0, 60), code !== undefined]).toEqual([file, args.slice(0, 60), true]);
        thrown.add(code!);
      }
    }
    expect([...thrown].filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it('have no code twice in the registry', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
