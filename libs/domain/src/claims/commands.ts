import { Money } from '../shared/money';
import { ClaimFiler, ClaimKind } from './events';

/** The insurer of record or the household's government files a claim on a policy. */
export type FileClaim = {
  type: 'FileClaim';
  data: { policyId: string; claimId: string; incidentDate: string; kind: ClaimKind; amountClaimed: Money; evidence: string[]; filedBy: ClaimFiler; now: string };
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

export type ClaimCommand = FileClaim | ApproveClaim | RejectClaim | PayClaim;
