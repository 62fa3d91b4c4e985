import { newEvent } from '../contract';
import { DuplicateEventId, Subscription, WrongExpectedRevision } from '../event-store.port';
import { StoreSubscriptions, StoredEvent, deserializeEvent, findReplay, headResult, rejectRepeatedIds, requireCount, requireExpected, serializeEvent } from '.';

describe('adapter kit', () => {
  describe('findReplay', () => {
    const [first, second, third] = [newEvent(), newEvent(), newEvent()];
    const stored: StoredEvent[] = [first, second, third].map(({ eventId }, revision) => ({ eventId, streamId: 's', revision, position: BigInt(1000 * (revision + 1)) }));
    const lookup = () => stored;

    it('finds nothing when no id of the batch is stored', () => {
      expect(findReplay('s', [newEvent()], lookup)).toBeUndefined();
      expect(findReplay('s', [newEvent()], () => [])).toBeUndefined();
      expect(
        findReplay('s', [], () => {
          throw new Error('an empty batch looks nothing up');
        }),
      ).toBeUndefined();
    });

    it('answers a replay, at any place in the stream, with where it was stored', () => {
      expect(findReplay('s', [first, second], lookup)).toEqual({ nextRevision: 1, lastPosition: 2000n, alreadyStored: true });
      expect(findReplay('s', [second, third], lookup)).toEqual({ nextRevision: 2, lastPosition: 3000n, alreadyStored: true });
      expect(findReplay('s', [third], lookup)).toEqual({ nextRevision: 2, lastPosition: 3000n, alreadyStored: true });
    });

    it('refuses a partial repeat, another order, a gap and an id repeated within the batch', () => {
      const fresh = newEvent();
      expect(() => findReplay('s', [third, fresh], lookup)).toThrow(expect.objectContaining({ constructor: DuplicateEventId, eventId: third.eventId }));
      expect(() => findReplay('s', [fresh, first], lookup)).toThrow(expect.objectContaining({ constructor: DuplicateEventId, eventId: first.eventId }));
      expect(() => findReplay('s', [second, first], lookup)).toThrow(DuplicateEventId);
      expect(() => findReplay('s', [first, third], lookup)).toThrow(DuplicateEventId);
      expect(() => findReplay('s', [fresh, fresh], lookup)).toThrow(expect.objectContaining({ constructor: DuplicateEventId, eventId: fresh.eventId }));
    });

    it('names a clash in another stream before one in this stream, and ignores stored events of other ids', () => {
      const elsewhere = newEvent();
      const withOther = [...stored, { eventId: elsewhere.eventId, streamId: 'other', revision: 0, position: 4000n }, { eventId: 'unrelated', streamId: 's', revision: 9, position: 9000n }];
      expect(() => findReplay('s', [first, elsewhere], () => withOther)).toThrow(
        expect.objectContaining({ constructor: DuplicateEventId, eventId: elsewhere.eventId, streamId: 'other' }),
      );
      expect(() => findReplay('s', [first], () => [{ ...stored[0], streamId: 'other' }])).toThrow(expect.objectContaining({ streamId: 'other' }));
      expect(findReplay('s', [first], () => withOther)).toEqual({ nextRevision: 0, lastPosition: 1000n, alreadyStored: true });
    });
  });

  it('checks the expected revision against the stream head, and answers an empty append with it', () => {
    const head = { revision: 4, position: 77n };
    expect(() => requireExpected('s', 4, head)).not.toThrow();
    expect(() => requireExpected('s', 'any', undefined)).not.toThrow();
    expect(() => requireExpected('s', 'no-stream', undefined)).not.toThrow();
    expect(() => requireExpected('s', 'no-stream', head)).toThrow(expect.objectContaining({ constructor: WrongExpectedRevision, actual: 4 }));
    expect(() => requireExpected('s', 0, undefined)).toThrow(expect.objectContaining({ constructor: WrongExpectedRevision, actual: 'no-stream' }));
    expect(headResult(head)).toEqual({ nextRevision: 4, lastPosition: 77n, alreadyStored: false });
    expect(headResult(undefined)).toEqual({ nextRevision: -1, lastPosition: 0n, alreadyStored: false });
  });

  it('refuses repeated ids and counts that are not non-negative integers', () => {
    const event = newEvent();
    expect(rejectRepeatedIds('s', [event, newEvent()])[0]).toBe(event.eventId);
    expect(() => rejectRepeatedIds('s', [event, event])).toThrow(DuplicateEventId);
    expect(requireCount('limit', 0)).toBe(0);
    expect(() => requireCount('limit', -1)).toThrow(/limit must be a non-negative integer, got -1/);
    expect(() => requireCount('limit', 1.5)).toThrow(RangeError);
  });

  it('serialises an event to JSON text and back, undefined data as null', () => {
    const event = newEvent('Opened', { owner: 'Ana Lúcia', amounts: [1, -2] });
    const serialized = serializeEvent(event);
    expect(serialized).toEqual({ eventId: event.eventId, type: 'Opened', data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) });
    expect(deserializeEvent(serialized, 's', 3, 12n)).toEqual({ ...event, streamId: 's', revision: 3, position: 12n });
    expect(serializeEvent({ ...event, data: undefined }).data).toBe('null');
  });

  describe('StoreSubscriptions', () => {
    class FakeSubscription implements Subscription {
      stopped = false;
      constructor(readonly end: () => void) {}
      async stop() {
        this.stopped = true;
        this.end();
      }
      async caughtUpTo() {}
    }

    it('closes once: drains, stops every subscription, releases, then refuses new subscriptions', async () => {
      const subscriptions = new StoreSubscriptions<FakeSubscription>();
      const steps: string[] = [];
      const running = [subscriptions.add((end) => new FakeSubscription(end)), subscriptions.add((end) => new FakeSubscription(end))];
      const close = () =>
        subscriptions.close({
          drain: async () => void steps.push(`drain (${running.filter((s) => s.stopped).length} stopped)`),
          release: () => void steps.push(`release (${running.filter((s) => s.stopped).length} stopped)`),
        });

      const closing = close();
      expect(() => subscriptions.add((end) => new FakeSubscription(end))).toThrow('the event store is closed');
      await closing;
      await close();

      expect(steps).toEqual(['drain (0 stopped)', 'release (2 stopped)']);
    });

    it('forgets a subscription once it has ended', async () => {
      const subscriptions = new StoreSubscriptions<FakeSubscription>();
      const ended = subscriptions.add((end) => new FakeSubscription(end));
      await ended.stop();
      ended.stopped = false;
      await subscriptions.close({ release: () => {} });
      expect(ended.stopped).toBe(false);
    });
  });
});
