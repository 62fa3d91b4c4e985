import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where `npm run build` puts the web application (apps/web, built by Vite): dist/web at the root
 * of the repository, found by walking up from this file, which runs from apps/ in the tests and
 * from dist/apps/ once built.
 */
export function defaultWebRoot(): string | undefined {
  for (let folder = __dirname; folder !== dirname(folder); folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return join(folder, 'dist', 'web');
  }
  return undefined;
}

/**
 * Serves the built web application at `/`. Its routes live in the URL's hash (#/government), so
 * only the built files themselves become HTTP routes (`wildcard: false` registers one route per
 * file): no path of the API, /docs, /health or /metrics can be shadowed by the web application.
 * Files under assets/ are named by Vite after their content hash, so they are cached for a year as
 * immutable; index.html, which names them, is revalidated on every load.
 */
export function serveWebApp(app: NestFastifyApplication, webRoot: string | undefined): void {
  if (!webRoot || !existsSync(join(webRoot, 'index.html'))) {
    Logger.warn(`No web application at ${webRoot ?? 'dist/web'}: run \`npm run build\` to build it (the API is served all the same)`, 'Pangolin');
    return;
  }
  app.useStaticAssets({
    root: webRoot,
    prefix: '/',
    wildcard: false,
    // Swagger's UI decorates the reply too; the web application needs no reply.sendFile.
    decorateReply: false,
    // Source maps would hand out the application's source: never served, even if a build left one.
    allowedPath: (path: string) => !path.endsWith('.map'),
    // @fastify/static hands this its Fastify reply (its types still say a raw response).
    setHeaders: (reply: unknown, path: string) => {
      // Vite names assets by their content hash, so they never change; index.html must be re-read.
      (reply as { header(name: string, value: string): void }).header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
