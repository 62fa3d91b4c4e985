/**
 * Builds the platform for tests that run `dist/` in child processes, unless the build is newer than
 * every source (scripts/ensure-built.js: `npm test` runs it once before jest, so files running side
 * by side never rebuild under one another; run alone, a test file builds what it needs).
 */
export const { ensureBuilt } = require('../../scripts/ensure-built.js') as { ensureBuilt(): void };
