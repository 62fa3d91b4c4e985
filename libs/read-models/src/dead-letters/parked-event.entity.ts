import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer, IsoDateColumn } from '../shared/columns';

/**
 * A dead letter: an event a projection or process manager (`worker`) could not apply after its
 * bounded retries, parked so the worker moves on. It stays until an operator replays it (which
 * removes it) or dismisses it with a note (which keeps it, out of the parked count). Not a
 * projection: the process manager's records cannot be rebuilt from the log, so resetProjections
 * removes only the projections' records (a rebuild parks again what still fails).
 */
@Entity('parked_events')
export class ParkedEventRow {
  /** The projection's or process manager's name. */
  @PrimaryColumn({ type: 'varchar', length: 100 })
  worker: string;

  /** The event's global position. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  position: bigint;

  @Column({ type: 'varchar', length: 100 })
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  eventType: string;

  /** The last failure's message. */
  @Column({ type: 'text' })
  error: string;

  /** Failed attempts so far, replays included. */
  @Column({ type: 'integer' })
  attempts: number;

  @IsoDateColumn()
  firstFailedAt: string;

  @IsoDateColumn()
  lastFailedAt: string;

  @IsoDateColumn({ nullable: true })
  dismissedAt: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  dismissedBy: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
