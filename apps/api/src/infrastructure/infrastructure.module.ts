import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, SqliteEventStore } from '@pangolin/event-store';
import { PANGOLIN_CONFIG, PangolinConfig } from '../config/configuration';
import { CommandRunner } from './command-runner.service';
import { EventPipeline } from './event-pipeline.service';
import { EVENT_STORE, READ_DB } from './tokens';
import { readDatabase } from './read-database';

/** The stores (chosen by configuration) and what runs on them, shared by every context module. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_DB) private readonly db: DataSource) {}

  static forRoot(config: PangolinConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: PANGOLIN_CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => SqliteEventStore.open(config.eventStore.path) },
        {
          provide: READ_DB,
          useFactory: async () => {
            const db = readDatabase({ type: 'sqlite', path: config.readDb.path });
            return db.initialize();
          },
        },
        EventPipeline,
        CommandRunner,
      ],
      exports: [PANGOLIN_CONFIG, EVENT_STORE, READ_DB, EventPipeline, CommandRunner],
    };
  }

  /** Runs after EventPipeline's own shutdown (Nest shuts the importing module's providers first). */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}
