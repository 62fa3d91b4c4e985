import { MAX_BODY_DEPTH, nestsDeeperThan } from './json-body';
import { checkText, MultilineText, textViolations } from './text';

describe('the depth scan that runs before a body is parsed', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":"[[[[[[", "b":"\\"[[[["}', 1)).toBe(false);
  });

  it('refuses 1,000,000 levels without recursion (a recursive scan would overflow the stack)', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(nestsDeeperThan(deep, MAX_BODY_DEPTH)).toBe(true);
    expect(nestsDeeperThan(deep, 1_000_000)).toBe(false);
  });
});

describe('text checks', () => {
  it('refuses unpaired surrogates, NUL and other control characters, naming the field and the rule', () => {
    expect(checkText('paymentReference', 'PAY-\ud800')).toMatchObject({ field: 'paymentReference', rule: 'isWellFormedUnicode' });
    expect(checkText('name', '\udc00x')).toMatchObject({ rule: 'isWellFormedUnicode' });
    expect(checkText('username', 'a\u0000')).toMatchObject({ field: 'username', rule: 'hasNoControlCharacters' });
    expect(checkText('name', 'a\u0085')).toMatchObject({ rule: 'hasNoControlCharacters' });
    expect(checkText('name', '张伟 😀')).toBeUndefined();
  });

  it('allows line feeds and tabs only in fields marked as multi-line, at any depth', () => {
    class Note {
      @MultilineText() reason = 'first line\n\tsecond line';
      title = 'one\nline';
    }
    const body = { note: new Note(), items: ['ok', 'bad\u0000'] };
    expect(textViolations(body).map(({ field, rule }) => ({ field, rule }))).toEqual([
      { field: 'note.title', rule: 'hasNoControlCharacters' },
      { field: 'items[1]', rule: 'hasNoControlCharacters' },
    ]);
  });
});
