import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { Clock, SealingEventStore } from '@pangolin/application';
import { HouseholdKeyVault } from '@pangolin/read-models';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { EventPipeline } from './event-pipeline.service';
import { CLOCK, EVENT_STORE, READ_DB } from './tokens';
import { openEventStore } from './open-event-store';
import { openReadDatabase } from './read-database';
import { InstrumentedEventStore } from '../operations/instrumented-event-store';
import { PangolinMetrics } from '../operations/metrics';
import { LogForkStatus } from '../operations/log-fork-status';

/** The stores (chosen by configuration) and what runs on them, shared by every context module (the API adds its CommandRunner: CommandsModule). */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_DB) private readonly db: DataSource) {}

  static forRoot(config: PangolinConfig, clock: Clock): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: PANGOLIN_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        PangolinMetrics,
        LogForkStatus,
        {
          provide: EVENT_STORE,
          // Household personal data is sealed with its household's key (kept in the read database) before it is stored.
          useFactory: async (metrics: PangolinMetrics, db: DataSource) => new InstrumentedEventStore(new SealingEventStore(await openEventStore(config.eventStore), new HouseholdKeyVault(db)), metrics),
          inject: [PangolinMetrics, READ_DB],
        },
        {
          provide: READ_DB,
          useFactory: () => openReadDatabase(config.readDb),
        },
        EventPipeline,
      ],
      exports: [PANGOLIN_CONFIG, CLOCK, EVENT_STORE, READ_DB, EventPipeline, PangolinMetrics, LogForkStatus],
    };
  }

  /** Runs after EventPipeline's own shutdown (Nest shuts the importing module's providers first). */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}
