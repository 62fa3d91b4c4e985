/**
 * EventPipeline.settle on the real platform (embedded stores): what a command's answer waits for.
 */
import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent } from '@pangolin/event-store';
import { RunningPlatform, startPlatform } from '../../../../test/support/platform';
import { EVENT_STORE, EventPipeline } from '@pangolin/runtime';

function event(type: string, data: unknown, correlationId: string): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { actor: 'system:settle-test', correlationId, causationId: correlationId, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

describe('EventPipeline.settle', () => {
  let platform: RunningPlatform;
  // Stopping waits for a worker's pause between retries to end.
  afterAll(() => platform?.stop(), 30_000);

  it("waits for a request's own consequences, not for a later request's that the workers are stuck on", async () => {
    // The workers retry a failing event for seconds (0.5 + 1 + 2) before they park it, longer than the
    // settle timeout: the log's head stays out of their reach meanwhile.
    platform = await startPlatform({ SETTLE_TIMEOUT_MS: '2000', DEAD_LETTER_MAX_ATTEMPTS: '4', DEAD_LETTER_BACKOFF_MS: '500' });
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const pipeline = platform.app.get(EventPipeline);
    const ours = randomUUID();
    const own = await store.append(`settle-probe-${ours}`, 'no-stream', [event('SettleProbed', {}, ours)]);
    // Another request's event that no projection can apply (a pledge without data).
    const theirs = randomUUID();
    const stuck = await store.append(`gift-${theirs}`, 'no-stream', [event('GiftPledged', null, theirs)]);

    expect(await pipeline.settle(own.lastPosition, ours)).toBe(true);
    // Waiting for the whole log, as a caller without a correlation id does, cannot succeed.
    expect(await pipeline.settle(stuck.lastPosition)).toBe(false);
  });
});
