import { Decider } from '../shared/decider';
import { Conflict, InvalidCommand } from '../shared/errors';

/**
 * A payment reference pays one gift, platform-wide. Each reference has a stream of its own
 * (streams.paymentReference) holding which gift it paid, so the same reference on a second gift is
 * refused by every event store alike, before the gift records the payment.
 */
export type PaymentReferenceEvent = { type: 'PaymentReferenceReserved'; data: { paymentReference: string; giftId: string; reservedAt: string } };

export type ReservePaymentReference = { type: 'ReservePaymentReference'; data: { paymentReference: string; giftId: string; now: string } };

export type PaymentReferenceState = { reservedFor: string | null };

export const paymentReferenceDecider: Decider<ReservePaymentReference, PaymentReferenceState, PaymentReferenceEvent> = {
  decide({ data: { paymentReference, giftId, now } }, { reservedFor }) {
    if (paymentReference.trim() === '') throw new InvalidCommand('paymentReference', 'must not be empty');
    if (reservedFor === giftId) return [];
    if (reservedFor !== null) throw new Conflict(`payment reference ${paymentReference} was already used to pay another gift`, 'gift.payment-reference-used', { paymentReference });
    return [{ type: 'PaymentReferenceReserved', data: { paymentReference, giftId, reservedAt: now } }];
  },
  evolve: (_, event) => ({ reservedFor: event.data.giftId }),
  initialState: () => ({ reservedFor: null }),
};
