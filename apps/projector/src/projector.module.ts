import { DynamicModule, Module } from '@nestjs/common';
import { systemClock } from '@pangolin/application';
import { PangolinConfig } from '../../api/src/config/configuration';
import { InfrastructureModule } from '../../api/src/infrastructure/infrastructure.module';
import { OperationsModule } from '../../api/src/operations/operations.module';
import { PledgeExpirySweeper } from '../../api/src/gifts/pledge-expiry.sweeper';
import { PolicyExpirySweeper } from '../../api/src/policies/policy-expiry.sweeper';
import { CheckpointPublisher } from '../../api/src/transparency/checkpoint-publisher.service';
import { WitnessCosigner } from '../../api/src/transparency/witness-cosigner.service';

/** A projector process: the event pipeline's workers (under leases), policy expiry, checkpoint signing, and health and metrics over HTTP. */
@Module({})
export class ProjectorModule {
  static forRoot(config: PangolinConfig): DynamicModule {
    return { module: ProjectorModule, imports: [InfrastructureModule.forRoot(config, systemClock), OperationsModule], providers: [PolicyExpirySweeper, PledgeExpirySweeper, CheckpointPublisher, WitnessCosigner] };
  }
}
