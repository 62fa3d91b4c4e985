import { Inject, Injectable } from '@nestjs/common';
import { Decider } from '@pangolin/domain';
import { Clock, Decided, executeCommand, loadState } from '@pangolin/application';
import { EventStore, isDatabaseUnavailable } from '@pangolin/event-store';
import { RequestContext } from '../http/request-context';
import { CLOCK, EVENT_STORE, EventPipeline } from '@pangolin/runtime';

/**
 * Runs a user's command against one stream and, before answering, lets its consequences settle
 * (allocation, policy requests, views: those of this request, found by its correlation id), so a
 * client reading right after a write sees it. If they
 * take longer than SETTLE_TIMEOUT_MS the answer still comes, marked `Pangolin-Settled: false`.
 */
@Injectable()
export class CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly pipeline: EventPipeline, @Inject(CLOCK) private readonly clock: Clock) {}

  now(): string {
    return this.clock.now();
  }

  /**
   * `settle: false` only records the command, for a request that runs another one after it: that
   * one's settling covers this one's consequences too (same correlation id, earlier position), so
   * the request waits once instead of twice.
   */
  async run<C, S, E extends { type: string; data: unknown }, R = E>(
    decider: Decider<C, S, E, R>,
    streamId: string,
    command: C,
    context: RequestContext,
    { settle = true }: { settle?: boolean } = {},
  ): Promise<Decided<S, E>> {
    const decided = await executeCommand(this.store, decider, streamId, command, {
      actor: `${context.user.role}:${context.user.userId}`,
      correlationId: context.correlationId,
      causationId: context.correlationId,
      clientIdempotency: context.idempotency,
      // The events' recorded time is the platform's clock, as the process managers' is (and the commands' `now`).
    }, () => this.clock.now());
    if (settle && !(await this.settled(decided.position, context.correlationId))) context.markUnsettled();
    return decided;
  }

  /** The command is recorded: if the database goes away while its consequences settle, it is still answered (as not settled). */
  private async settled(position: bigint, correlationId: string): Promise<boolean> {
    try {
      return await this.pipeline.settle(position, correlationId);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return false;
      throw error;
    }
  }

  async state<C, S, E, R = E>(decider: Decider<C, S, E, R>, streamId: string): Promise<S> {
    return (await loadState(this.store, decider, streamId)).state;
  }
}
