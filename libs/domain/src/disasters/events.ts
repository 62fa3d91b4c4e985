import { PerilKind, SeverityLevel } from '../products/parametric';
import { Money } from '../shared/money';

/** One household paid by a declaration: its policy's parametric claim, settled. */
export interface DisasterPayout {
  policyId: string;
  householdId: string;
  claimId: string;
  amount: Money;
  payoutReference: string;
}

/** What a government declares: the peril, where, when, how severe, and its own reference for it. */
export interface DisasterFacts {
  peril: PerilKind;
  regionCodes: string[];
  incidentFrom: string;
  incidentTo: string;
  severity: SeverityLevel;
  authorityReference: string;
}

/**
 * A declaration's stream: the government's declaration, each insurer's answer, and the batches of
 * payouts made on a confirmation. Every time is the server's clock when the command was decided,
 * so the time from declaration to confirmation and to each batch can be computed from the log.
 */
export type DisasterEvent =
  | {
      type: 'DisasterDeclared';
      data: DisasterFacts & {
        declarationId: string;
        /** Region code of the declaring government: every declared region lies within it. */
        declaredBy: string;
        declaredAt: string;
      };
    }
  | { type: 'DisasterDeclarationConfirmed'; data: { declarationId: string; insurerId: string; productIds: string[]; paymentFileReference: string; confirmedAt: string } }
  | { type: 'DisasterDeclarationDisputed'; data: { declarationId: string; insurerId: string; reason: string; disputedAt: string } }
  | { type: 'DisasterPayoutBatchRecorded'; data: { declarationId: string; insurerId: string; batchNumber: number; payouts: DisasterPayout[]; recordedAt: string } }
  | { type: 'DisasterPayoutsCompleted'; data: { declarationId: string; insurerId: string; policiesPaid: number; amountPaid: Money | null; completedAt: string } };
