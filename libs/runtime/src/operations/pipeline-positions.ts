import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { EventPipeline } from '../infrastructure/event-pipeline.service';
import { TypeOrmCheckpointStore } from '@pangolin/records';
import { EVENT_STORE, RECORDS_DB } from '../infrastructure/tokens';
import { PipelinePosition } from './metrics';

/**
 * The process managers EventPipeline runs, by the name they keep their checkpoint under

 * (PremiumAllocationProcess.name, DisasterPayoutProcess.name, PersonalDataErasureProcess.name). ProcessManagerRunner does not expose it, so it is listed here.
 */
export const PROCESS_MANAGERS = ['premium-allocation', 'disaster-payouts', 'personal-data-erasure'] as const;

/** How far each projection (ProjectionRunner.lag()) and each process manager (its checkpoint) is behind the head of the log. */
@Injectable()
export class PipelinePositions {
  private readonly processCheckpoints: TypeOrmCheckpointStore;

  constructor(private readonly pipeline: EventPipeline, @Inject(EVENT_STORE) private readonly store: EventStore, @Inject(RECORDS_DB) records: DataSource) {
    this.processCheckpoints = new TypeOrmCheckpointStore(records);
  }

  async read(): Promise<PipelinePosition[]> {
    const projections = await this.pipeline.projectionLag();
    const head = await this.store.headPosition();
    const processes = await Promise.all(
      PROCESS_MANAGERS.map(async (name): Promise<PipelinePosition> => {
        const checkpoint = await this.processCheckpoints.load(name);
        return { kind: 'process-manager', name, checkpoint, head, behind: head > checkpoint ? head - checkpoint : 0n };
      }),
    );
    return [...projections.map(({ name, checkpoint, head, behind }): PipelinePosition => ({ kind: 'projection', name, checkpoint, head, behind })), ...processes];
  }
}
