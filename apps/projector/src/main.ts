import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { CheckpointPublisher, ConfigurationError, EventPipeline, limitHeapGrowth, loadConfiguration, logTransparencyKey, PledgeExpirySweeper, PolicyExpirySweeper } from '@pangolin/runtime';
import { ProjectorModule } from './projector.module';

/**
 * Runs projections and the process manager apart from the API (PROCESS_ROLE=projector, on
 * PostgreSQL). Start several for availability: each worker runs in one of them at a time.
 * Serves /health/live, /health/ready and /metrics on PORT (default 3001).
 */
async function main() {
  const config = loadConfiguration({ PORT: '3001', ...process.env, PROCESS_ROLE: 'projector' });
  limitHeapGrowth(config.heapGrowthPercent);
  const app = await NestFactory.create<NestFastifyApplication>(ProjectorModule.forRoot(config), new FastifyAdapter(), { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  await app.init();
  await app.get(EventPipeline).start();
  app.get(PolicyExpirySweeper).start();
  app.get(PledgeExpirySweeper).start();
  app.get(CheckpointPublisher).start();
  await app.listen(config.port, config.host);
  Logger.log(`Pangolin projector is running; health and metrics at ${await app.getUrl()}`, 'Projector');
  logTransparencyKey(config);
}

main().catch((error) => {
  Logger.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : error instanceof Error ? error.stack : String(error), 'Projector');
  process.exit(1);
});
