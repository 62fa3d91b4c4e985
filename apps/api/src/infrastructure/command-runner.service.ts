import { Inject, Injectable } from '@nestjs/common';
import { Decider } from '@pangolin/domain';
import { Decided, executeCommand, loadState } from '@pangolin/application';
import { EventStore } from '@pangolin/event-store';
import { RequestContext } from '../http/request-context';
import { EventPipeline } from './event-pipeline.service';
import { EVENT_STORE } from './tokens';

/**
 * Runs a user's command against one stream and, before answering, lets its consequences settle
 * (allocation, policy requests, views), so a client reading right after a write sees it. If they
 * take longer than SETTLE_TIMEOUT_MS the answer still comes, marked `Pangolin-Settled: false`.
 */
@Injectable()
export class CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly pipeline: EventPipeline) {}

  now(): string {
    return new Date().toISOString();
  }

  async run<C, S, E extends { type: string; data: unknown }, R = E>(decider: Decider<C, S, E, R>, streamId: string, command: C, context: RequestContext): Promise<Decided<S, E>> {
    const decided = await executeCommand(this.store, decider, streamId, command, {
      actor: `${context.user.role}:${context.user.userId}`,
      correlationId: context.correlationId,
      causationId: context.correlationId,
      clientIdempotency: context.idempotency,
    });
    if (!(await this.pipeline.settle(decided.position))) context.markUnsettled();
    return decided;
  }

  async state<C, S, E, R = E>(decider: Decider<C, S, E, R>, streamId: string): Promise<S> {
    return (await loadState(this.store, decider, streamId)).state;
  }
}
