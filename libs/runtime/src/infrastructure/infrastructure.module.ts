import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@pangolin/event-store';
import { Clock, SealingEventStore } from '@pangolin/application';
import { openReadDataSource } from '@pangolin/read-models';
import { HouseholdKeyVault, openRecordsStore } from '@pangolin/records';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { EventPipeline } from './event-pipeline.service';
import { CLOCK, EVENT_STORE, READ_DB, RECORDS_DB } from './tokens';
import { openEventStore } from './open-event-store';
import { InstrumentedEventStore } from '../operations/instrumented-event-store';
import { PangolinMetrics } from '../operations/metrics';
import { LogForkStatus } from '../operations/log-fork-status';

/** The stores (chosen by configuration) and what runs on them, shared by every context module (the API adds its CommandRunner: CommandsModule). */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
  ) {}

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
          // Household personal data is sealed with its household's key (kept in the records store) before it is stored.
          // All embedded, in one process (no other process runs workers on the log): the store's WAL is synced off the event loop.
          useFactory: async (metrics: PangolinMetrics, records: DataSource) =>
            new InstrumentedEventStore(new SealingEventStore(await openEventStore(config.eventStore, { syncOffTheEventLoop: config.processRole === 'all' && config.readDb.type === 'sqlite' }), new HouseholdKeyVault(records)), metrics),
          inject: [PangolinMetrics, RECORDS_DB],
        },
        {
          provide: READ_DB,
          useFactory: () => openReadDataSource(config.readDb),
        },
        {
          provide: RECORDS_DB,
          // Records an earlier version kept among the views move into the records store as it opens.
          useFactory: (views: DataSource) => openRecordsStore(config.records, views),
          inject: [READ_DB],
        },
        EventPipeline,
      ],
      exports: [PANGOLIN_CONFIG, CLOCK, EVENT_STORE, READ_DB, RECORDS_DB, EventPipeline, PangolinMetrics, LogForkStatus],
    };
  }

  /** Runs after EventPipeline's own shutdown (Nest shuts the importing module's providers first). */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.db.isInitialized) await this.db.destroy();
    if (this.records.isInitialized) await this.records.destroy();
  }
}
