import { Logger } from '@nestjs/common';
import { Clock } from '@pangolin/application';
import { useCursorKey } from '@pangolin/read-models';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AccountsService } from './auth/accounts.service';
import { CheckpointPublisher, EventPipeline, logTransparencyKey, PangolinConfig, PledgeExpirySweeper, PolicyExpirySweeper } from '@pangolin/runtime';
import { seedDemo } from './demo/seed-demo';
import { buildOpenApiDocument } from './http/openapi';
import { compressAnswers } from './http/compression';
import { acceptJsonBodiesOnly, BODY_LIMIT_BYTES } from './http/json-body';
import { answerMalformedUrl } from './http/malformed-url';
import { pangolinValidationPipe } from './http/validation';
import { defaultWebRoot, serveWebApp } from './web/web-app';

/**
 * Builds the whole platform for `config`: HTTP API, OpenAPI at /docs, the web application at /,
 * the projections and the process manager running on the store's subscription, and (if asked) the demo data.
 * Used by main.ts and by the end-to-end tests, so they run exactly what users run.
 */
export async function createPangolin(
  config: PangolinConfig,
  options: {
    logger?: false | ('error' | 'warn' | 'log')[];
    /** folder of the built web application (default dist/web) */
    webRoot?: string;
    /** what time-dependent rules take as now (default: the system clock); tests pass a fixed or shifted one */
    clock?: Clock;
  } = {},
): Promise<NestFastifyApplication> {
  // Every API process of the platform has the token secret, so each reads the list cursors another made.
  useCursorKey(config.jwt.secret);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.clock), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, frameworkErrors: answerMalformedUrl }), {
    logger: options.logger ?? ['error', 'warn', 'log'],
    bodyParser: false,
  });
  acceptJsonBodiesOnly(app.getHttpAdapter().getInstance());
  await compressAnswers(app);
  app.useGlobalPipes(pangolinValidationPipe());
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app));
  serveWebApp(app, options.webRoot ?? defaultWebRoot());
  try {
    await app.init();
    await app.get(EventPipeline).start();
    if (config.initialAdmin) await app.get(AccountsService).ensureAdmin(config.initialAdmin.username, config.initialAdmin.password);
    if (config.seedDemo) await seedDemo(app);
  } catch (error) {
    // A refusal at start-up (e.g. demo logins on a server) must not leave the stores' connections open.
    await app.close().catch(() => undefined);
    throw error;
  }
  if (config.processRole === 'all') {
    app.get(PolicyExpirySweeper).start();
    app.get(PledgeExpirySweeper).start();
    app.get(CheckpointPublisher).start();
  }
  return app;
}

export async function listen(app: NestFastifyApplication, config: PangolinConfig): Promise<string> {
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  Logger.log(`Pangolin is serving ${url} (API docs at ${url}/docs), data in ${config.dataDir}`, 'Pangolin');
  logTransparencyKey(config);
  return url;
}
