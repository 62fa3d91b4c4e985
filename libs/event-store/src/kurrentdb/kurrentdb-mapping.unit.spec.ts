import { randomUUID } from 'node:crypto';
import { NO_STREAM, RecordedEvent as KurrentRecordedEvent, START } from '@kurrent/kurrentdb-client';
import { newEvent as newTestEvent } from '../contract';
import { NewEvent } from '../event-store.port';
import { StreamNamespace, UnreadableEvent, allStreamPositionOf, isSystemEvent, positionOf, readPositionAfter, requireStorable, streamStateOf, toEventData, toRecordedEvent } from './kurrentdb-mapping';

describe('KurrentDB mapping', () => {
  describe('streamStateOf', () => {
    it('sends NO_STREAM for a stream seen not to exist and the revision as a bigint otherwise', () => {
      expect(streamStateOf('no-stream')).toBe(NO_STREAM);
      expect(streamStateOf(0)).toBe(0n);
      expect(streamStateOf(41)).toBe(41n);
    });
  });

  describe('positions', () => {
    it('reads from the start for 0n and from the record at the position otherwise', () => {
      expect(readPositionAfter(0n)).toBe(START);
      expect(readPositionAfter(1_234_567n)).toEqual({ commit: 1_234_567n, prepare: 1_234_567n });
      expect(() => readPositionAfter(-1n)).toThrow(RangeError);
    });

    it("takes an event's log position from its prepare position, which stream reads report too", () => {
      expect(positionOf({ id: 'e', position: { commit: 100n, prepare: 180n } })).toBe(180n);
      expect(() => positionOf({ id: 'e', position: undefined })).toThrow(UnreadableEvent);
    });

    it('refuses $all events of an explicit transaction, whose commit position is not their own', () => {
      expect(allStreamPositionOf({ id: 'e', position: { commit: 500n, prepare: 500n } })).toBe(500n);
      expect(() => allStreamPositionOf({ id: 'e', position: { commit: 900n, prepare: 500n } })).toThrow(UnreadableEvent);
    });
  });

  describe('StreamNamespace', () => {
    it('prefixes stream names and strips the prefix on the way back', () => {
      const namespace = new StreamNamespace('test-run-1/');
      expect(namespace.streamName('gift-42')).toBe('test-run-1/gift-42');
      expect(namespace.streamIdOf('test-run-1/gift-42')).toBe('gift-42');
      expect(() => namespace.streamIdOf('other-run/gift-42')).toThrow(UnreadableEvent);
    });

    it('keeps the store out of system streams', () => {
      expect(() => new StreamNamespace('$pangolin-')).toThrow(RangeError);
      expect(() => new StreamNamespace('').streamName('$all')).toThrow(RangeError);
      expect(() => new StreamNamespace('').streamIdOf('$$gift-42')).toThrow(UnreadableEvent);
    });

    it('filters $all on the prefix, or on non-system stream names without one', () => {
      expect(new StreamNamespace('run-1/').allFilter()).toMatchObject({ filterOn: 'streamName', prefixes: ['run-1/'] });
      const unprefixed = new StreamNamespace('').allFilter();
      expect(unprefixed).toMatchObject({ filterOn: 'streamName' });
      const regex = new RegExp((unprefixed as { regex: string }).regex);
      expect(regex.test('gift-42')).toBe(true);
      expect(regex.test('$streams')).toBe(false);
      expect(regex.test('$$gift-42')).toBe(false);
    });
  });

  it('tells system event types (tombstones, links) from ours', () => {
    expect(isSystemEvent('$streamDeleted')).toBe(true);
    expect(isSystemEvent('$>')).toBe(true);
    expect(isSystemEvent('GiftPaymentConfirmed')).toBe(false);
  });

  describe('requireStorable', () => {
    it('accepts lowercase UUIDs and refuses other ids and reserved types', () => {
      expect(() => requireStorable([newEvent()])).not.toThrow();
      expect(() => requireStorable([{ ...newEvent(), eventId: 'event-1' }])).toThrow(/lowercase UUID/);
      expect(() => requireStorable([{ ...newEvent(), eventId: randomUUID().toUpperCase() }])).toThrow(/lowercase UUID/);
      expect(() => requireStorable([{ ...newEvent(), type: '$metadata' }])).toThrow(/reserved/);
    });
  });

  describe('events', () => {
    it('writes data and metadata as JSON under our event id', () => {
      const event = newEvent({ owner: 'Ana Lúcia', nested: { amount: 12.5 } });
      expect(toEventData(event)).toEqual({ id: event.eventId, contentType: 'application/json', type: event.type, data: event.data, metadata: event.metadata });
      expect(toEventData({ ...event, data: undefined }).data).toBeNull();
    });

    it('turns what the client reads back into a RecordedEvent', () => {
      const event = newEvent([1, -2, 3]);
      const stored = readBack(event, 'run-1/gift-42', 3n);

      expect(toRecordedEvent(stored, 'gift-42', 4096n)).toEqual({
        eventId: event.eventId,
        streamId: 'gift-42',
        revision: 3,
        position: 4096n,
        type: event.type,
        data: [1, -2, 3],
        metadata: event.metadata,
      });
    });

    it('refuses events that are not JSON or have no JSON object as metadata', () => {
      const stored = readBack(newEvent(), 'gift-42', 0n);
      expect(() => toRecordedEvent({ ...stored, isJson: false, data: new Uint8Array([1]) }, 'gift-42', 1n)).toThrow(UnreadableEvent);
      expect(() => toRecordedEvent({ ...stored, metadata: undefined }, 'gift-42', 1n)).toThrow(UnreadableEvent);
      expect(() => toRecordedEvent({ ...stored, metadata: new Uint8Array([1]) }, 'gift-42', 1n)).toThrow(UnreadableEvent);
    });
  });
});

function newEvent(data?: unknown): NewEvent {
  return newTestEvent(undefined, data);
}

/** What the client hands back for an event that toEventData wrote: JSON parsed again, as the client does. */
function readBack(event: NewEvent, streamName: string, revision: bigint): KurrentRecordedEvent {
  const written = toEventData(event);
  return {
    streamId: streamName,
    id: written.id,
    isJson: true,
    revision,
    type: written.type,
    created: new Date(),
    data: JSON.parse(JSON.stringify(written.data)),
    metadata: JSON.parse(JSON.stringify(written.metadata)),
  };
}
