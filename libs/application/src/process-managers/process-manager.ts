import { EventStore, RecordedEvent, Subscription } from '@pangolin/event-store';

/**
 * A process manager reacts to events by issuing commands (appends to other streams).
 * Its effects live in the event store, not in the read database, so its checkpoint cannot be
 * committed in the same transaction as its effect. Instead every effect it causes is idempotent
 * (deciders return [] for a command already applied, and event ids are derived from the
 * triggering event), and the checkpoint is saved after the effects: a crash in between re-runs
 * the handler, which then finds nothing left to do.
 */
export interface ProcessManager {
  readonly name: string;
  handle(event: RecordedEvent): Promise<void>;
}

export interface CheckpointStore {
  load(name: string): Promise<bigint>;
  save(name: string, position: bigint): Promise<void>;
}

export class ProcessManagerRunner {
  private subscription?: Subscription;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly manager: ProcessManager,
    private readonly onError: (error: unknown, event: RecordedEvent) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const from = await this.checkpoints.load(this.manager.name);
    this.subscription = this.store.subscribe(
      from,
      async (event) => {
        await this.manager.handle(event);
        await this.checkpoints.save(this.manager.name, event.position);
      },
      { onError: this.onError },
    );
  }

  async caughtUpTo(position: bigint): Promise<void> {
    if (!this.subscription) throw new Error(`process manager ${this.manager.name} is not running`);
    await this.subscription.caughtUpTo(position);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
