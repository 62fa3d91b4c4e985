import { DuplicateEventId, EventStore, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler, WrongExpectedRevision } from '../event-store.port';
import type { EventStoreCapabilities } from '../kit';
import { newEvent, newStreamId as newTestStreamId } from './test-events';

/**
 * The behaviour every EventStore adapter must show, run against a real store.
 *
 * `makeStore` opens a store before each test, which closes it. The store need not be empty: every
 * test works in fresh streams and measures global positions from the head it finds, so adapters may
 * share one database. Tests run one at a time, so no other writer appends during a test.
 */
export function eventStoreContract(
  name: string,
  makeStore: () => EventStore | Promise<EventStore>,
  { densePositions = true, eventIdsUniqueAcrossStreams = true }: EventStoreCapabilities = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let subscriptions: Subscription[];

    beforeEach(async () => {
      store = await makeStore();
      subscriptions = [];
    });

    afterEach(async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await store.close();
    });

    /** Subscribes and records every event the handler accepted, in delivery order. */
    function collect(checkpoint: bigint, handler: SubscriptionHandler = async () => {}, options?: SubscribeOptions) {
      const delivered: RecordedEvent[] = [];
      const subscription = store.subscribe(
        checkpoint,
        async (event) => {
          await handler(event);
          delivered.push(event);
        },
        options,
      );
      subscriptions.push(subscription);
      return { delivered, subscription };
    }

    describe('append and read back', () => {
      it('stores data and metadata as given, numbering revisions from 0', async () => {
        const streamId = newStreamId();
        const events = [
          newEvent('Opened', { owner: 'Ana Lúcia', tags: ['a', 'b'], nested: { amount: 12.5, active: true, note: null } }),
          newEvent('Renamed', { name: 'Ωmega 😀', empty: '' }),
          newEvent('Closed', [1, -2, 3]),
        ];

        const result = await store.append(streamId, 'no-stream', events);
        const stored = await store.readStream(streamId);

        expect(result).toEqual({ nextRevision: 2, lastPosition: stored[2].position, alreadyStored: false });
        expect(stored.map(({ eventId, streamId, revision, type, data, metadata }) => ({ eventId, streamId, revision, type, data, metadata }))).toEqual(
          events.map((event, index) => ({ ...event, streamId, revision: index })),
        );
      });

      it(`assigns ${densePositions ? 'gap-free ' : ''}increasing global positions across streams`, async () => {
        const before = await store.headPosition();
        const first = newStreamId();
        const second = newStreamId();

        await store.append(first, 'no-stream', [newEvent(), newEvent()]);
        await store.append(second, 'no-stream', [newEvent()]);
        const last = await store.append(first, 1, [newEvent()]);

        const positions = (await store.readAll({ after: before })).map((event) => event.position);
        expectIncreasingAfter(before, positions, 4);
        if (densePositions) expect(positions).toEqual([before + 1n, before + 2n, before + 3n, before + 4n]);
        expect(last.lastPosition).toBe(positions[3]);
        expect(await store.headPosition()).toBe(positions[3]);
      });

      it('accepts an empty batch, writing nothing and reporting the stream as it is', async () => {
        const streamId = newStreamId();
        expect(await store.append(streamId, 'no-stream', [])).toEqual({ nextRevision: -1, lastPosition: 0n, alreadyStored: false });

        const written = await store.append(streamId, 'no-stream', [newEvent()]);
        const before = await store.headPosition();
        expect(await store.append(streamId, 0, [])).toEqual({ nextRevision: 0, lastPosition: written.lastPosition, alreadyStored: false });
        await expect(store.append(streamId, 5, [])).rejects.toBeInstanceOf(WrongExpectedRevision);
        expect(await store.headPosition()).toBe(before);
      });
    });

    describe('expected revision', () => {
      it("rejects 'no-stream' when the stream exists", async () => {
        const streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent()]);

        await expect(store.append(streamId, 'no-stream', [newEvent()])).rejects.toMatchObject({
          constructor: WrongExpectedRevision,
          streamId,
          expected: 'no-stream',
          actual: 0,
        });
      });

      it('rejects a stale revision and writes nothing', async () => {
        const streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent(), newEvent()]);
        const before = await store.headPosition();

        await expect(store.append(streamId, 0, [newEvent()])).rejects.toMatchObject({
          constructor: WrongExpectedRevision,
          expected: 0,
          actual: 1,
        });
        expect(await store.headPosition()).toBe(before);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('rejects a revision for a stream that does not exist', async () => {
        const streamId = newStreamId();
        await expect(store.append(streamId, 0, [newEvent()])).rejects.toMatchObject({
          constructor: WrongExpectedRevision,
          actual: 'no-stream',
        });
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it("appends with 'any' whether or not the stream exists, and with the current revision", async () => {
        const streamId = newStreamId();
        expect((await store.append(streamId, 'any', [newEvent()])).nextRevision).toBe(0);
        expect((await store.append(streamId, 'any', [newEvent()])).nextRevision).toBe(1);
        expect((await store.append(streamId, 1, [newEvent(), newEvent()])).nextRevision).toBe(3);
        expect((await store.readStream(streamId)).map((event) => event.revision)).toEqual([0, 1, 2, 3]);
      });

      it('lets exactly one of several writers racing from the same revision win', async () => {
        const streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent()]);
        const contenders = Array.from({ length: 8 }, () => newEvent('Contended'));

        const outcomes = await Promise.allSettled(contenders.map((event) => store.append(streamId, 0, [event])));

        const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [contenders[index]] : []));
        const losses = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(winners).toHaveLength(1);
        expect(losses).toHaveLength(7);
        losses.forEach((reason) => expect(reason).toBeInstanceOf(WrongExpectedRevision));
        expect((await store.readStream(streamId)).map((event) => event.eventId)).toEqual([expect.any(String), winners[0].eventId]);
      });
    });

    describe('idempotency', () => {
      it('answers a re-append of the same events with the original result, writing nothing', async () => {
        const streamId = newStreamId();
        const batch = [newEvent(), newEvent()];
        const original = await store.append(streamId, 'no-stream', batch);
        const before = await store.headPosition();

        const replay = await store.append(streamId, 'no-stream', batch);

        expect(replay).toEqual({ nextRevision: original.nextRevision, lastPosition: original.lastPosition, alreadyStored: true });
        expect(await store.headPosition()).toBe(before);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('recognises a replay even after the stream has moved on', async () => {
        const streamId = newStreamId();
        const first = newEvent();
        const second = newEvent();
        const original = await store.append(streamId, 'no-stream', [first, second]);
        await store.append(streamId, 1, [newEvent()]);

        expect(await store.append(streamId, 'no-stream', [first, second])).toEqual({ ...original, alreadyStored: true });
        expect(await store.append(streamId, 0, [second])).toEqual({ nextRevision: 1, lastPosition: original.lastPosition, alreadyStored: true });
        expect(await store.readStream(streamId)).toHaveLength(3);
      });

      it('rejects a batch that only partly repeats stored events, writing nothing', async () => {
        const streamId = newStreamId();
        const stored = newEvent();
        await store.append(streamId, 'no-stream', [stored]);
        const before = await store.headPosition();

        await expect(store.append(streamId, 0, [stored, newEvent()])).rejects.toMatchObject({
          constructor: DuplicateEventId,
          eventId: stored.eventId,
        });
        expect(await store.headPosition()).toBe(before);
      });

      it('rejects stored events repeated in another order', async () => {
        const streamId = newStreamId();
        const first = newEvent();
        const second = newEvent();
        await store.append(streamId, 'no-stream', [first, second]);

        await expect(store.append(streamId, 1, [second, first])).rejects.toBeInstanceOf(DuplicateEventId);
      });

      (eventIdsUniqueAcrossStreams ? it : it.skip)('rejects an event id already stored in another stream', async () => {
        const taken = newEvent();
        const owner = newStreamId();
        const other = newStreamId();
        await store.append(owner, 'no-stream', [taken]);

        await expect(store.append(other, 'no-stream', [{ ...taken }])).rejects.toMatchObject({
          constructor: DuplicateEventId,
          eventId: taken.eventId,
          streamId: owner,
        });
        expect(await store.readStream(other)).toEqual([]);
      });

      it('rejects a batch that repeats an event id', async () => {
        const streamId = newStreamId();
        const event = newEvent();

        await expect(store.append(streamId, 'no-stream', [event, event])).rejects.toBeInstanceOf(DuplicateEventId);
        expect(await store.readStream(streamId)).toEqual([]);
      });
    });

    describe('readStream', () => {
      let streamId: string;
      const revisionsOf = (events: RecordedEvent[]) => events.map((event) => event.revision);

      beforeEach(async () => {
        streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent(), newEvent(), newEvent(), newEvent(), newEvent()]);
        await store.append(newStreamId(), 'no-stream', [newEvent()]);
      });

      it('reads forwards from a revision, with a limit', async () => {
        expect(revisionsOf(await store.readStream(streamId))).toEqual([0, 1, 2, 3, 4]);
        expect(revisionsOf(await store.readStream(streamId, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisionsOf(await store.readStream(streamId, { limit: 2 }))).toEqual([0, 1]);
        expect(revisionsOf(await store.readStream(streamId, { fromRevision: 1, limit: 2, direction: 'forwards' }))).toEqual([1, 2]);
        expect(await store.readStream(streamId, { fromRevision: 5 })).toEqual([]);
      });

      it('reads backwards from the end or from a revision, with a limit', async () => {
        expect(revisionsOf(await store.readStream(streamId, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(revisionsOf(await store.readStream(streamId, { direction: 'backwards', fromRevision: 2 }))).toEqual([2, 1, 0]);
        expect(revisionsOf(await store.readStream(streamId, { direction: 'backwards', limit: 2 }))).toEqual([4, 3]);
        expect(revisionsOf(await store.readStream(streamId, { direction: 'backwards', fromRevision: 3, limit: 2 }))).toEqual([3, 2]);
      });

      it('returns nothing for a stream that does not exist', async () => {
        expect(await store.readStream(newStreamId())).toEqual([]);
        expect(await store.readStream(newStreamId(), { direction: 'backwards' })).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('reads every stream in global order after a position, with a limit', async () => {
        const before = await store.headPosition();
        const first = newStreamId();
        const second = newStreamId();
        await store.append(first, 'no-stream', [newEvent()]);
        await store.append(second, 'no-stream', [newEvent()]);
        await store.append(first, 0, [newEvent()]);

        const all = await store.readAll({ after: before });
        expect(all.map((event) => [event.streamId, event.revision])).toEqual([
          [first, 0],
          [second, 0],
          [first, 1],
        ]);
        expect(await store.readAll({ after: all[0].position })).toEqual(all.slice(1));
        expect(await store.readAll({ after: before, limit: 2 })).toEqual(all.slice(0, 2));
        expect(await store.readAll({ after: all[2].position })).toEqual([]);
      });

      it('reads from the start by default', async () => {
        const appended = await store.append(newStreamId(), 'no-stream', [newEvent()]);

        const [first] = await store.readAll({ limit: 1 });
        if (densePositions) expect(first.position).toBe(1n);
        else expect(first.position).toBeGreaterThan(0n);
        expect(first.position).toBeLessThanOrEqual(appended.lastPosition);
      });
    });

    describe('subscribe', () => {
      it('catches up after the checkpoint, then follows live appends in global order', async () => {
        const first = newStreamId();
        const second = newStreamId();
        await store.append(first, 'no-stream', [newEvent(), newEvent()]);
        const checkpoint = (await store.readStream(first))[0].position;
        await store.append(second, 'no-stream', [newEvent()]);

        const { delivered, subscription } = collect(checkpoint);
        await subscription.caughtUpTo(await store.headPosition());
        await store.append(second, 0, [newEvent()]);
        await store.append(first, 1, [newEvent()]);
        await subscription.caughtUpTo(await store.headPosition());

        expect(delivered).toEqual(await store.readAll({ after: checkpoint }));
        expect(delivered.map((event) => [event.streamId, event.revision])).toEqual([
          [first, 1],
          [second, 0],
          [second, 1],
          [first, 2],
        ]);
      });

      it('retries an event whose handler failed, without skipping it', async () => {
        const before = await store.headPosition();
        const streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent(), newEvent(), newEvent()]);
        const failure = new Error('projection unavailable');
        const attempts: number[] = [];
        const errors: Array<[unknown, number]> = [];

        const { delivered, subscription } = collect(
          before,
          async (event) => {
            attempts.push(event.revision);
            if (event.revision === 1 && attempts.filter((revision) => revision === 1).length === 1) throw failure;
          },
          { retryDelayMs: 1, onError: (error, event) => errors.push([error, event.revision]) },
        );
        await subscription.caughtUpTo(await store.headPosition());

        expect(attempts).toEqual([0, 1, 1, 2]);
        expect(errors).toEqual([[failure, 1]]);
        expect(delivered.map((event) => event.revision)).toEqual([0, 1, 2]);
      });

      it('delivers appends from many concurrent writers exactly once, in global order', async () => {
        const before = await store.headPosition();
        const { delivered, subscription } = collect(before);
        const writers = Array.from({ length: 20 }, () => newStreamId());

        await Promise.all(
          writers.map(async (streamId) => {
            let expected: 'no-stream' | number = 'no-stream';
            for (let batch = 0; batch < 5; batch++) {
              ({ nextRevision: expected } = await store.append(streamId, expected, [newEvent(), newEvent()]));
            }
          }),
        );
        const head = await store.headPosition();
        await subscription.caughtUpTo(head);

        expectIncreasingAfter(before, delivered.map((event) => event.position), 200);
        expect(delivered[199].position).toBe(head);
        if (densePositions) expect(head).toBe(before + 200n);
        expect(delivered).toEqual(await store.readAll({ after: before }));
        for (const streamId of writers) {
          const revisions = delivered.filter((event) => event.streamId === streamId).map((event) => event.revision);
          expect(revisions).toEqual(Array.from({ length: 10 }, (_, index) => index));
        }
      });

      it('resolves caughtUpTo only once the position has been delivered', async () => {
        const streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent(), newEvent()]);
        // Positions the store returned: on stores without dense positions, others are not valid checkpoints.
        const [previous, head] = (await store.readStream(streamId)).map((event) => event.position);
        const { delivered, subscription } = collect(previous);
        await subscription.caughtUpTo(previous);

        let deliveredWhenNextReached: RecordedEvent[] | undefined;
        const nextReached = subscription.caughtUpTo(head + 1n).then(() => {
          deliveredWhenNextReached = [...delivered];
        });
        await subscription.caughtUpTo(head);
        expect(deliveredWhenNextReached).toBeUndefined();

        const next = await store.append(streamId, 1, [newEvent()]);
        await nextReached;
        expect(deliveredWhenNextReached?.map((event) => event.position)).toEqual([head, next.lastPosition]);
        if (densePositions) expect(next.lastPosition).toBe(head + 1n);
      });

      it('stops after the event in flight and delivers nothing more', async () => {
        const before = await store.headPosition();
        const streamId = newStreamId();
        await store.append(streamId, 'no-stream', [newEvent(), newEvent(), newEvent()]);
        let releaseFirst!: () => void;
        const firstReleased = new Promise<void>((resolve) => (releaseFirst = resolve));
        let firstStarted!: () => void;
        const firstInFlight = new Promise<void>((resolve) => (firstStarted = resolve));

        const { delivered, subscription } = collect(before, async (event) => {
          if (event.revision === 0) {
            firstStarted();
            await firstReleased;
          }
        });
        await firstInFlight;
        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        await new Promise((resolve) => setImmediate(resolve));
        expect(stopped).toBe(false);

        releaseFirst();
        await stopping;
        expect(delivered.map((event) => event.revision)).toEqual([0]);
        await expect(subscription.caughtUpTo(await store.headPosition())).rejects.toThrow();

        await store.append(streamId, 2, [newEvent()]);
        const witness = collect(before);
        await witness.subscription.caughtUpTo(await store.headPosition());
        expect(witness.delivered).toHaveLength(4);
        expect(delivered.map((event) => event.revision)).toEqual([0]);
      });
    });
  });
}

/** `count` positions, each greater than the one before, the first greater than `after`. */
function expectIncreasingAfter(after: bigint, positions: bigint[], count: number): void {
  expect(positions).toHaveLength(count);
  positions.forEach((position, index) => expect(position).toBeGreaterThan(index === 0 ? after : positions[index - 1]));
}

function newStreamId(): string {
  return newTestStreamId('contract');
}
