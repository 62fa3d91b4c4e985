import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EventPipeline } from '../infrastructure/event-pipeline.service';
import { HealthController } from './health.controller';
import { installHttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { PangolinMetrics } from './metrics';
import { PipelinePositions } from './pipeline-positions';
import { Readiness } from './readiness';

/**
 * Health probes (GET /health/live, /health/ready, /health) and Prometheus metrics (GET /metrics).
 * PangolinMetrics itself is provided by InfrastructureModule, which measures the event store and
 * the event pipeline with it.
 */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [PipelinePositions, Readiness],
})
export class OperationsModule implements OnModuleInit {
  constructor(
    private readonly metrics: PangolinMetrics,
    private readonly positions: PipelinePositions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly pipeline: EventPipeline,
  ) {}

  onModuleInit(): void {
    this.metrics.observePositions(() => this.positions.read());
    // Every worker that can park events has a series, 0 when none is parked.
    this.metrics.observeParked(async () => {
      const counts = new Map((await this.pipeline.parkedCounts()).map(({ worker, parked }) => [worker, parked]));
      return this.pipeline.parkingWorkers.map((worker) => ({ worker, parked: counts.get(worker) ?? 0 }));
    });
    installHttpMetrics(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), this.metrics);
  }
}
