import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './child-process';

/** What `npm run build` compiles (swc: apps, libs, bench; vite: apps/web), and the files that steer it. */
const SOURCES = ['apps', 'libs', 'bench', 'package.json', 'package-lock.json', '.swcrc', 'tsconfig.json'];
/** Written after a build, so the next test file knows what it built from. */
const STAMP = join(ROOT, 'dist', '.built-from-sources');

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

/**
 * Builds the platform (`npm run build`) for tests that run `dist/` in child processes, unless the
 * build is newer than every source: many test files need it, and building once per run instead of
 * once per file saves ~10 s each.
 */
export function ensureBuilt(): void {
  const sourcesChanged = Math.max(...SOURCES.filter((source) => existsSync(join(ROOT, source))).map((source) => newestChange(join(ROOT, source))));
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs > sourcesChanged) return;
  const startedAt = Date.now();
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  writeFileSync(STAMP, `built at ${new Date(startedAt).toISOString()}\n`);
}
