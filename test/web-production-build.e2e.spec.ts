/**
 * The web application the platform serves is React's production build, whatever NODE_ENV the
 * build runs under (Jest runs with NODE_ENV=test, and the end-to-end tests build the platform).
 * React's development build carries its development-only warnings, e.g. about `act(...)`.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildWebApp } from './web/support/web-platform';

it('builds React\'s production bundle, without source maps, even when NODE_ENV is test', async () => {
  expect(process.env.NODE_ENV).toBe('test');
  const outDir = await buildWebApp();
  try {
    const scripts = readdirSync(join(outDir, 'assets')).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const bundle = scripts.map((name) => readFileSync(join(outDir, 'assets', name), 'utf8')).join('\n');
    expect(bundle).toContain('createRoot');
    expect(bundle).not.toContain('act(...)');
    // JSX compiled for development calls jsxDEV, which React's production build does not have.
    expect(bundle).not.toContain('jsxDEV');
    // No source maps, and no bundle pointing at one.
    expect(readdirSync(join(outDir, 'assets')).filter((name) => name.endsWith('.map'))).toEqual([]);
    expect(bundle).not.toContain('sourceMappingURL');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}, 120_000);
