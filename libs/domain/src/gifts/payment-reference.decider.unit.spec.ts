import { Conflict } from '../shared/errors';
import { deciderSpecification } from '../shared/decider-specification';
import { paymentReferenceDecider } from './payment-reference.decider';

const spec = deciderSpecification(paymentReferenceDecider);
const now = '2026-11-24T08:00:00.000Z';
const reserved = (giftId: string) => ({ type: 'PaymentReferenceReserved' as const, data: { paymentReference: 'PAY-1', giftId, reservedAt: now } });
const reserve = (giftId: string) => ({ type: 'ReservePaymentReference' as const, data: { paymentReference: 'PAY-1', giftId, now } });

describe('payment reference', () => {
  it('is reserved for the first gift it pays', () => spec.given([]).when(reserve('gift-1')).then([reserved('gift-1')]));
  it('is the same payment when the same gift presents it again', () => spec.given([reserved('gift-1')]).when(reserve('gift-1')).thenNothingHappens());
  it('cannot pay a second gift', () => spec.given([reserved('gift-1')]).when(reserve('gift-2')).thenThrows(Conflict, /PAY-1 was already used to pay another gift/));
});
