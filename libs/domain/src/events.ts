import { deterministicId } from './shared/ids';
import { HouseholdEvent } from './households/events';
import { ProductEvent } from './products/events';
import { ProgrammeEvent } from './programmes/events';
import { GiftEvent } from './gifts/events';
import { PaymentReferenceEvent } from './gifts/payment-reference.decider';
import { PremiumFundingEvent, PolicyEvent } from './policies/events';
import { ClaimEvent } from './claims/events';
import { PolicyNumberEvent } from './policies/policy-number.decider';
import { NationalIdEvent } from './households/national-id-reservation.decider';
import { DisasterEvent } from './disasters/events';
import { DisclosureEvent } from './disclosures/events';

/** Every event Pangolin records, as a union discriminated by `type`. */
export type PangolinEvent = HouseholdEvent | ProductEvent | ProgrammeEvent | GiftEvent | PaymentReferenceEvent | PremiumFundingEvent | PolicyEvent | ClaimEvent | PolicyNumberEvent | NationalIdEvent | DisasterEvent | DisclosureEvent;
export type PangolinEventType = PangolinEvent['type'];
export type EventOfType<T extends PangolinEventType> = Extract<PangolinEvent, { type: T }>;

/** Stream names: one stream per aggregate instance. */
export const streams = {
  household: (householdId: string) => `household-${householdId}`,
  product: (productId: string) => `product-${productId}`,
  programme: (programmeId: string) => `programme-${programmeId}`,
  gift: (giftId: string) => `gift-${giftId}`,
  /** Hashed: a payment reference is free text chosen by a payment provider. */
  paymentReference: (paymentReference: string) => `payment-${deterministicId('payment-reference', paymentReference)}`,
  premiumFunding: (householdId: string, productId: string) => `funding-${householdId}.${productId}`,
  policy: (policyId: string) => `policy-${policyId}`,
  /** Hashed: a policy number is free text chosen by its insurer. */
  policyNumber: (insurerId: string, policyNumber: string) => `policynumber-${deterministicId('policy-number', insurerId, policyNumber)}`,
  /** `digest` is nationalIdDigest(...): the number itself never appears in the log. */
  nationalId: (digest: string) => `nationalid-${digest}`,
  disasterDeclaration: (declarationId: string) => `declaration-${declarationId}`,
};
