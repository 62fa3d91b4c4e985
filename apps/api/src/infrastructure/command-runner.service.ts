import { Inject, Injectable } from '@nestjs/common';
import { Decider } from '@pangolin/domain';
import { Clock, Decided, executeCommand, loadState, type StreamCommands } from '@pangolin/application';
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
    if (settle) await this.settleThrough(decided.position, context);
    return decided;
  }

  /**
   * Commands for a request that runs many (an import's rows): each only recorded (`settle: false`),
   * so that they run side by side; `settle()` then waits once for the consequences of everything
   * they wrote (and, for a retry that wrote nothing, of what the streams already held), marking
   * the answer unsettled if that takes too long.
   */
  batch(context: RequestContext): StreamCommands & { settle(): Promise<void> } {
    let through = 0n;
    return {
      now: () => this.now(),
      state: (decider, streamId) => this.state(decider, streamId),
      run: async (decider, streamId, command) => {
        const decided = await this.run(decider, streamId, command, context, { settle: false });
        if (decided.position > through) through = decided.position;
        return decided;
      },
      settle: () => this.settleThrough(through, context),
    };
  }

  /** Waits for the consequences of this request's commands up to `position` to settle; the answer says when they did not in time. */
  async settleThrough(position: bigint, context: RequestContext): Promise<void> {
    if (position > 0n && !(await this.settled(position, context.correlationId))) context.markUnsettled();
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
