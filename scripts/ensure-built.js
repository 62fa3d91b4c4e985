// Builds the platform (`npm run build`) unless dist/ is newer than every source: the tests that run
// dist/ in child processes call it (test/support/build.ts), and `npm test` calls it once before
// jest starts, so that test files running side by side never rebuild dist/ under one another.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
/** What `npm run build` compiles (swc: apps, libs, bench; vite: apps/web), and the files that steer it. */
const SOURCES = ['apps', 'libs', 'bench', 'package.json', 'package-lock.json', '.swcrc', 'tsconfig.json'];
/** Written after a build: the build is at least as new as its mtime. */
const STAMP = join(root, 'dist', '.built-from-sources');
/** Held (a directory, created atomically) while one process builds; another waits for it. */
const LOCK = join(root, '.build-lock');
const LOCK_WAIT_MS = 5 * 60_000;

function newestChange(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

const upToDate = () => {
  const changed = Math.max(...SOURCES.filter((source) => existsSync(join(root, source))).map((source) => newestChange(join(root, source))));
  return existsSync(STAMP) && statSync(STAMP).mtimeMs > changed;
};

function ensureBuilt() {
  if (upToDate()) return;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`another build has held ${LOCK} for ${LOCK_WAIT_MS} ms; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    // Another process may have built while this one waited.
    if (upToDate()) return;
    const startedAt = new Date();
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    writeFileSync(STAMP, `built at ${startedAt.toISOString()}\n`);
  } finally {
    rmdirSync(LOCK);
  }
}

module.exports = { ensureBuilt };
if (require.main === module) ensureBuilt();
