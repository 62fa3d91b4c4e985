import { eventData, isEventOfType, pangolinEvent } from './typed-events';

describe('typed events (one helper for every reader of the log)', () => {
  const recorded = { type: 'GiftPaymentConfirmed', data: { giftId: 'gift-1', confirmedBy: 'admin', confirmedAt: '2026-01-01T00:00:00.000Z' }, position: 7n };

  it('narrows an event to its type, keeping the rest of it', () => {
    expect(isEventOfType(recorded, 'GiftPaymentConfirmed')).toBe(true);
    expect(isEventOfType(recorded, 'GiftPledged')).toBe(false);
    if (isEventOfType(recorded, 'GiftPaymentConfirmed')) expect([recorded.data.giftId, recorded.position]).toEqual(['gift-1', 7n]);
  });

  it("gives a handler its event's data, and refuses an event of another type", () => {
    expect(eventData(recorded, 'GiftPaymentConfirmed').giftId).toBe('gift-1');
    expect(() => eventData(recorded, 'PolicyCancelled')).toThrow(new TypeError('expected a PolicyCancelled event, got GiftPaymentConfirmed'));
  });

  it('sees a recorded event as a catalogued one without copying it, unknown types included', () => {
    expect(pangolinEvent(recorded)).toBe(recorded);
    const newer = { type: 'SomethingNewer', data: {} };
    expect(pangolinEvent(newer).type).toBe('SomethingNewer');
  });
});
