import { deterministicId } from '@pangolin/domain';

/**
 * A payment reference identifies one payment platform-wide: the confirming event's id is derived
 * from it, so the store itself refuses the same reference on a second gift, and a replay on the
 * same gift changes nothing.
 */
export function paymentEventId(paymentReference: string) {
  return {
    id: () => deterministicId('payment', paymentReference),
    conflict: `payment reference ${paymentReference} was already used to pay another gift`,
  };
}
