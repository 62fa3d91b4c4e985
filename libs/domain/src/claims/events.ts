import { Money } from '../shared/money';
import type { EvidenceFile } from './evidence';

export const CLAIM_KINDS = ['accident', 'illness', 'hospitalisation', 'death', 'disability', 'crop-loss', 'livestock-loss', 'property-damage', 'natural-disaster', 'other'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** Who filed a claim: the insurer of record or the household's government. */
export interface ClaimFiler {
  role: 'insurer' | 'government';
  id: string;
}

/** Claims are recorded in their policy's stream, so the policy's remaining cover is checked atomically. */
export type ClaimEvent =
  | {
      type: 'ClaimFiled';
      data: {
        policyId: string;
        claimId: string;
        householdId: string;
        incidentDate: string;
        kind: ClaimKind;
        amountClaimed: Money;
        evidence: string[];
        /** Files uploaded to the evidence store, by their SHA-256 (absent when none). */
        evidenceFiles?: EvidenceFile[];
        filedBy: ClaimFiler;
        filedAt: string;
        /** Set on a parametric claim: the disaster declaration that settled it. */
        declarationId?: string;
      };
    }
  | { type: 'ClaimApproved'; data: { policyId: string; claimId: string; approvedAmount: Money; inFull: boolean; note?: string; approvedBy: string; approvedAt: string } }
  | { type: 'ClaimRejected'; data: { policyId: string; claimId: string; reason: string; rejectedBy: string; rejectedAt: string } }
  | {
      type: 'ClaimPaid';
      data: {
        policyId: string;
        claimId: string;
        householdId: string;
        insurerId: string;
        amount: Money;
        payoutReference: string;
        /** The gifts that funded the policy, with their shares of its premium. */
        fundedBy: { giftId: string; amount: number }[];
        paidAt: string;
      };
    };
