import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');
const BATCH = join(__dirname, 'support', 'depcheck-trees.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** The violations an `err` report lists (for a cycle, `to` is the cycle's next module). */
const violationsIn = (report: string): Violation[] => [...report.matchAll(/^\s*error ([\w-]+): (\S+) →\s*(\S+)/gmu)].map(([, rule, from, to]) => ({ rule, from, to }));

/**
 * Runs `npm run depcheck`'s command (dependency-cruiser with the repository's rules, its `err`
 * report) over `apps` and `libs` of each tree, all in one process (test/support/depcheck-trees.mjs);
 * returns each tree's exit status and violations, in order.
 */
function depcheck(trees: string[]): { status: number; violations: Violation[] }[] {
  const run = spawnSync(process.execPath, [BATCH, ...trees], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`the dependency check did not run (status ${run.status}):\n${run.stdout}${run.stderr}`);
  return (JSON.parse(run.stdout) as { status: number; report: string }[]).map(({ status, report }) => {
    if (!/dependency violations|no dependency violations found/.test(report)) throw new Error(`dependency-cruiser did not report (status ${status}):\n${report}`);
    return { status, violations: violationsIn(report) };
  });
}

/** A small tree that keeps its edges clean: a pure domain, two apps using it. */
const CLEAN_TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', baseUrl: '.', paths: { '@pangolin/domain': ['libs/domain/src'] } } }),
  'libs/domain/src/index.ts': "export * from './money';\n",
  'libs/domain/src/money.ts': 'export const cents = (amount: number): number => Math.round(amount * 100);\n',
  'apps/api/src/main.ts': "import { cents } from '@pangolin/domain';\nexport const main = () => cents(1);\n",
  'apps/projector/src/main.ts': "import { cents } from '@pangolin/domain';\nexport const main = () => cents(2);\n",
};

/** Each case: the files it adds to the clean tree (none for the clean tree itself), and the check's expected answer. */
const CASES: [name: string, files: Record<string, string>, expected: (result: { status: number; violations: Violation[] }) => void][] = [
  ['pass a tree that keeps its edges clean', {}, (result) => expect(result).toEqual({ status: 0, violations: [] })],
  [
    'fail on an import cycle',
    { 'libs/domain/src/a.ts': "import { b } from './b';\nexport const a = () => b;\n", 'libs/domain/src/b.ts': "import { a } from './a';\nexport const b = () => a;\n" },
    ({ status, violations }) => {
      expect(status).not.toBe(0);
      expect(violations).toEqual([{ rule: 'no-cycles', from: 'libs/domain/src/a.ts', to: 'libs/domain/src/b.ts' }]);
    },
  ],
  ...(
    [
      ['a Node built-in (crypto)', "import { randomBytes } from 'node:crypto';\nexport const salt = () => randomBytes(16);\n", 'crypto'],
      ['file I/O (fs)', "import { readFileSync } from 'fs';\nexport const read = () => readFileSync('x');\n", 'fs'],
      ['NestJS', "import { Injectable } from '@nestjs/common';\nexport const decorate = Injectable;\n", '@nestjs/common'],
      ['TypeORM', "import { DataSource } from 'typeorm';\nexport type Store = DataSource;\n", 'typeorm'],
      ['another lib', "import { x } from '../../event-store/src';\nexport const y = x;\n", 'libs/event-store/src/index.ts'],
    ] as const
  ).map(([what, source, target]): (typeof CASES)[number] => [
    `fail when libs/domain imports ${what}`,
    { 'libs/event-store/src/index.ts': 'export const x = 1;\n', 'libs/domain/src/impure.ts': source },
    ({ status, violations }) => {
      expect(status).not.toBe(0);
      expect(violations).toEqual([expect.objectContaining({ rule: 'domain-is-pure', from: 'libs/domain/src/impure.ts' })]);
      expect(violations[0].to.replace(/^node_modules\/(.*?)\/.*$/, '$1')).toBe(target);
    },
  ]),
  [
    'fail when an app imports another app',
    { 'apps/api/src/sweeper.ts': 'export const sweep = () => 0;\n', 'apps/projector/src/run.ts': "import { sweep } from '../../api/src/sweeper';\nexport const run = () => sweep();\n" },
    ({ status, violations }) => {
      expect(status).not.toBe(0);
      expect(violations).toEqual([expect.objectContaining({ rule: 'no-app-to-app', from: 'apps/projector/src/run.ts', to: 'apps/api/src/sweeper.ts' })]);
    },
  ],
  [
    'fail when a lib imports an app',
    { 'apps/api/src/config.ts': 'export const port = 3000;\n', 'libs/runtime/src/index.ts': "import { port } from '../../../apps/api/src/config';\nexport const listen = () => port;\n" },
    ({ status, violations }) => {
      expect(status).not.toBe(0);
      expect(violations).toEqual([expect.objectContaining({ rule: 'no-lib-to-app', from: 'libs/runtime/src/index.ts', to: 'apps/api/src/config.ts' })]);
    },
  ],
];

describe('the dependency rules (.dependency-cruiser.cjs, run by `npm run depcheck` in `npm test`)', () => {
  let fixtures: string;
  /** Each case's result, by name, and the repository's own. */
  const results = new Map<string, { status: number; violations: Violation[] }>();

  // One tree per case, all checked in one run of the check.
  beforeAll(() => {
    fixtures = mkdtempSync(join(tmpdir(), 'pangolin-depcheck-'));
    const trees = CASES.map(([, files], index) => {
      const tree = join(fixtures, String(index));
      for (const [path, text] of Object.entries({ ...CLEAN_TREE, ...files })) {
        mkdirSync(dirname(join(tree, path)), { recursive: true });
        writeFileSync(join(tree, path), text);
      }
      return tree;
    });
    const checked = depcheck([...trees, ROOT]);
    CASES.forEach(([name], index) => results.set(name, checked[index]));
    results.set('the repository', checked[CASES.length]);
  }, 120_000);
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  it.each(CASES)('%s', (name, _files, expected) => expected(results.get(name)!));

  it("find no violation in the repository's own apps and libs", () => {
    expect(results.get('the repository')).toEqual({ status: 0, violations: [] });
  });
});
