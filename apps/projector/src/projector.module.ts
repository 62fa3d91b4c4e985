import { DynamicModule, Module } from '@nestjs/common';
import { systemClock } from '@pangolin/application';
import { CheckpointPublisher, InfrastructureModule, OperationsModule, PangolinConfig, PledgeExpirySweeper, PolicyExpirySweeper, WitnessCosigner } from '@pangolin/runtime';

/** A projector process: the event pipeline's workers (under leases), policy expiry, checkpoint signing, and health and metrics over HTTP. */
@Module({})
export class ProjectorModule {
  static forRoot(config: PangolinConfig): DynamicModule {
    return { module: ProjectorModule, imports: [InfrastructureModule.forRoot(config, systemClock), OperationsModule], providers: [PolicyExpirySweeper, PledgeExpirySweeper, CheckpointPublisher, WitnessCosigner] };
  }
}
