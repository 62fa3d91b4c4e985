import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web application is built into dist/web, which the API process serves at `/`. Vite's own
 * Oxc transform compiles the TSX (automatic React runtime); no React plugin is needed for a
 * production build (the plugin only adds fast refresh for `vite dev`).
 */
export default defineConfig(({ command }) => ({
  root: here,
  base: '/',
  // A build is always React's production build, whatever NODE_ENV the caller has (Jest sets
  // NODE_ENV=test, and Vite would otherwise bundle React's development build into dist/web):
  // production JSX calls and React's production entry points, together.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react', development: command !== 'build' } },
  ...(command === 'build' ? { define: { 'process.env.NODE_ENV': JSON.stringify('production') } } : {}),
  // The receipt verifier runs the transparency library in the page: Node's crypto is served by a
  // small module over the @noble libraries (see src/verify/node-crypto.ts).
  resolve: {
    alias: {
      'node:crypto': fileURLToPath(new URL('./src/verify/node-crypto.ts', import.meta.url)),
      '@pangolin/transparency': fileURLToPath(new URL('../../libs/transparency/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // No source maps: the platform never serves them (see apps/api/src/web/web-app.ts).
    sourcemap: false,
  },
  // `vite dev` on :5173 forwards API calls to a platform started with `npm start`.
  server: {
    proxy: Object.fromEntries(
      ['/auth', '/users', '/households', '/government', '/donor', '/gifts', '/insurer', '/policies', '/products', '/programmes', '/public', '/ledger'].map((path) => [path, 'http://127.0.0.1:3000']),
    ),
  },
}));
