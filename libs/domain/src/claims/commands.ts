import type { EvidenceFile } from './evidence';
import { Money } from '../shared/money';
import { ParametricBenefit, PerilKind, SeverityLevel } from '../products/parametric';
import { ClaimFiler, ClaimKind } from './events';

/** The insurer of record or the household's government files a claim on a policy. */
export type FileClaim = {
  type: 'FileClaim';
  data: { policyId: string; claimId: string; incidentDate: string; kind: ClaimKind; amountClaimed: Money; evidence: string[]; evidenceFiles?: EvidenceFile[]; filedBy: ClaimFiler; now: string };
};

/** The insurer approves a filed claim, in full unless `approvedAmount` is less than claimed. */
export type ApproveClaim = {
  type: 'ApproveClaim';
  data: { policyId: string; claimId: string; insurerId: string; approvedAmount?: Money; note?: string; now: string };
};

export type RejectClaim = {
  type: 'RejectClaim';
  data: { policyId: string; claimId: string; insurerId: string; reason: string; now: string };
};

/** The insurer reports the payout of an approved claim. Idempotent per payoutReference. */
export type PayClaim = {
  type: 'PayClaim';
  data: { policyId: string; claimId: string; insurerId: string; payoutReference: string; now: string };
};

/**
 * A confirmed disaster declaration settles one policy's parametric claim: filed, approved and paid
 * at once, for the product's benefit capped by the remaining cover. `claimId` is derived from the
 * declaration and the policy, so a retry finds the claim settled and does nothing. The benefit is
 * the one of the product version the policy was written on (a fact the caller reads).
 */
export type SettleParametricClaim = {
  type: 'SettleParametricClaim';
  data: {
    policyId: string;
    claimId: string;
    declarationId: string;
    /** The declaring government's region code (the claim is filed in its name). */
    declaredBy: string;
    insurerId: string;
    peril: PerilKind;
    severity: SeverityLevel;
    incidentFrom: string;
    incidentTo: string;
    benefit: ParametricBenefit;
    payoutReference: string;
    now: string;
  };
};
export type ClaimCommand = FileClaim | ApproveClaim | RejectClaim | PayClaim | SettleParametricClaim;
