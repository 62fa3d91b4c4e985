import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/**
 * Runs `npm run depcheck`'s command (dependency-cruiser with the repository's rules, its `err`
 * report) over `apps` and `libs` under `cwd`; returns its exit status and the violations it reports
 * (for a cycle, `to` is the cycle's next module).
 */
function depcheck(cwd: string): { status: number | null; violations: Violation[] } {
  const run = spawnSync(process.execPath, [DEPCRUISE, 'apps', 'libs', '--config', CONFIG, '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  if (!/dependency violations|no dependency violations found/.test(run.stdout)) throw new Error(`dependency-cruiser did not report (status ${run.status}):\n${run.stdout}${run.stderr}`);
  const violations = [...run.stdout.matchAll(/^\s*error ([\w-]+): (\S+) →\s*(\S+)/gmu)].map(([, rule, from, to]) => ({ rule, from, to }));
  return { status: run.status, violations };
}

describe('the dependency rules (.dependency-cruiser.cjs, run by `npm run depcheck` in `npm test`)', () => {
  let fixture: string;

  /** Writes a file of the fixture tree (paths relative to its root). */
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  };

  beforeEach(() => {
    fixture = mkdtempSync(join(tmpdir(), 'pangolin-depcheck-'));
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', baseUrl: '.', paths: { '@pangolin/domain': ['libs/domain/src'] } } }));
    write('libs/domain/src/index.ts', "export * from './money';\n");
    write('libs/domain/src/money.ts', 'export const cents = (amount: number): number => Math.round(amount * 100);\n');
    write('apps/api/src/main.ts', "import { cents } from '@pangolin/domain';\nexport const main = () => cents(1);\n");
    write('apps/projector/src/main.ts', "import { cents } from '@pangolin/domain';\nexport const main = () => cents(2);\n");
  });
  afterEach(() => rmSync(fixture, { recursive: true, force: true }));

  it('pass a tree that keeps its edges clean', () => {
    expect(depcheck(fixture)).toEqual({ status: 0, violations: [] });
  });

  it('fail on an import cycle', () => {
    write('libs/domain/src/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    write('libs/domain/src/b.ts', "import { a } from './a';\nexport const b = () => a;\n");

    const { status, violations } = depcheck(fixture);

    expect(status).not.toBe(0);
    expect(violations).toEqual([{ rule: 'no-cycles', from: 'libs/domain/src/a.ts', to: 'libs/domain/src/b.ts' }]);
  });

  it.each([
    ['a Node built-in (crypto)', "import { randomBytes } from 'node:crypto';\nexport const salt = () => randomBytes(16);\n", 'crypto'],
    ['file I/O (fs)', "import { readFileSync } from 'fs';\nexport const read = () => readFileSync('x');\n", 'fs'],
    ['NestJS', "import { Injectable } from '@nestjs/common';\nexport const decorate = Injectable;\n", '@nestjs/common'],
    ['TypeORM', "import { DataSource } from 'typeorm';\nexport type Store = DataSource;\n", 'typeorm'],
    ['another lib', "import { x } from '../../event-store/src';\nexport const y = x;\n", 'libs/event-store/src/index.ts'],
  ])('fail when libs/domain imports %s', (_, source, target) => {
    write('libs/event-store/src/index.ts', 'export const x = 1;\n');
    write('libs/domain/src/impure.ts', source);

    const { status, violations } = depcheck(fixture);

    expect(status).not.toBe(0);
    expect(violations).toEqual([expect.objectContaining({ rule: 'domain-is-pure', from: 'libs/domain/src/impure.ts' })]);
    expect(violations[0].to.replace(/^node_modules\/(.*?)\/.*$/, '$1')).toBe(target);
  });

  it('fail when an app imports another app', () => {
    write('apps/api/src/sweeper.ts', 'export const sweep = () => 0;\n');
    write('apps/projector/src/run.ts', "import { sweep } from '../../api/src/sweeper';\nexport const run = () => sweep();\n");

    const { status, violations } = depcheck(fixture);

    expect(status).not.toBe(0);
    expect(violations).toEqual([
      expect.objectContaining({ rule: 'no-app-to-app', from: 'apps/projector/src/run.ts', to: 'apps/api/src/sweeper.ts' }),
    ]);
  });

  it('fail when a lib imports an app', () => {
    write('apps/api/src/config.ts', 'export const port = 3000;\n');
    write('libs/runtime/src/index.ts', "import { port } from '../../../apps/api/src/config';\nexport const listen = () => port;\n");

    const { status, violations } = depcheck(fixture);

    expect(status).not.toBe(0);
    expect(violations).toEqual([
      expect.objectContaining({ rule: 'no-lib-to-app', from: 'libs/runtime/src/index.ts', to: 'apps/api/src/config.ts' }),
    ]);
  });

  it("find no violation in the repository's own apps and libs", () => {
    expect(depcheck(ROOT)).toEqual({ status: 0, violations: [] });
  });
});
