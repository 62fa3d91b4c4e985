import { DisasterFacts, DisasterPayout } from './events';

/** A government declares a disaster in (part of) its region. */
export type DeclareDisaster = {
  type: 'DeclareDisaster';
  data: DisasterFacts & {
    declarationId: string;
    /** The acting government's region: each of `regionCodes` must lie within it. */
    governmentRegion: string;
    now: string;
  };
};

/**
 * An insurer answers a declaration. `coveringProductIds` is a fact read by the caller: the
 * insurer's parametric products (not retired) that cover the declared peril; without one the
 * declaration is none of its business.
 */
export type ConfirmDisasterDeclaration = {
  type: 'ConfirmDisasterDeclaration';
  data: { declarationId: string; insurerId: string; coveringProductIds: string[]; paymentFileReference?: string; now: string };
};
export type DisputeDisasterDeclaration = {
  type: 'DisputeDisasterDeclaration';
  data: { declarationId: string; insurerId: string; coveringProductIds: string[]; reason: string; now: string };
};

/** The payout process records a batch of settled claims; a policy already recorded is left out. */
export type RecordDisasterPayoutBatch = {
  type: 'RecordDisasterPayoutBatch';
  data: { declarationId: string; insurerId: string; batchNumber: number; payouts: DisasterPayout[]; now: string };
};
export type CompleteDisasterPayouts = { type: 'CompleteDisasterPayouts'; data: { declarationId: string; insurerId: string; now: string } };

export type DisasterCommand = DeclareDisaster | ConfirmDisasterDeclaration | DisputeDisasterDeclaration | RecordDisasterPayoutBatch | CompleteDisasterPayouts;
