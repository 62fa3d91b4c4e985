/*
 * What every Pangolin process runs on (the API, the projector, the command-line tools): the
 * configuration, the stores (views, records and the log) and the event pipeline (InfrastructureModule), health and metrics
 * (OperationsModule), the sweepers, checkpoint signing and witness cosigning, and the principal
 * and route decorators those share. Apps import it; it imports no app.
 */
export * from './auth/decorators';
export * from './auth/principal';
export * from './config/configuration';
export * from './regions/region-names';
export * from './infrastructure/caused-events';
export * from './infrastructure/event-pipeline.service';
export * from './infrastructure/heap-growth';
export * from './infrastructure/infrastructure.module';
export * from './infrastructure/open-event-store';
export * from './infrastructure/periodic-sweep';
export * from './infrastructure/tokens';
export * from './infrastructure/typeorm-dead-letter-store';
export * from './infrastructure/worker-lease';
export * from './operations/health.controller';
export * from './operations/http-metrics';
export * from './operations/instrumented-event-store';
export * from './operations/log-fork-status';
export * from './operations/metrics.controller';
export * from './operations/metrics';
export * from './operations/operations.module';
export * from './operations/pipeline-positions';
export * from './operations/readiness';
export * from './sweepers/pledge-expiry.sweeper';
export * from './sweepers/policy-expiry.sweeper';
export * from './transparency/checkpoint-publisher.service';
export * from './transparency/witness-cosigner.service';
export * from './transparency/transparency-key';
