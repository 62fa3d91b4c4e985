import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { pangolinEvent } from '../shared/pangolin-event';
import { ProductRow } from './product.entity';
import { ProgrammeRow } from './programme.entity';
import { PolicyRow } from './policy.entity';
import { ClaimRow } from './claim.entity';

/** Lookup tables the API routes and authorises commands with: products, programmes, policies, claims. */
export class CatalogueProjection implements Projection {
  readonly name = 'catalogue';

  async apply(recorded: RecordedEvent, tx: EntityManager): Promise<void> {
    const event = pangolinEvent(recorded);
    switch (event.type) {
      case 'ProductPublished': {
        const { productId, insurerId, version, terms, publishedAt } = event.data;
        await tx.insert(ProductRow, {
          productId,
          insurerId,
          version,
          name: terms.name,
          coverageKind: terms.coverageKind,
          annualPremium: terms.annualPremium.amount,
          sumInsured: terms.sumInsured.amount,
          currency: terms.annualPremium.currency,
          waitingPeriodDays: terms.waitingPeriodDays,
          termDays: terms.termDays,
          retired: false,
          publishedAt,
          updatedAt: publishedAt,
        });
        return;
      }
      case 'ProductRevised': {
        const { productId, version, terms, revisedAt } = event.data;
        await tx.update(ProductRow, { productId }, {
          version,
          name: terms.name,
          coverageKind: terms.coverageKind,
          annualPremium: terms.annualPremium.amount,
          sumInsured: terms.sumInsured.amount,
          currency: terms.annualPremium.currency,
          waitingPeriodDays: terms.waitingPeriodDays,
          termDays: terms.termDays,
          updatedAt: revisedAt,
        });
        return;
      }
      case 'ProductRetired':
        await tx.update(ProductRow, { productId: event.data.productId }, { retired: true, updatedAt: event.data.retiredAt });
        return;
      case 'ProgrammeLaunched': {
        const { programmeId, name, regionCode, productId, launchedBy, launchedAt } = event.data;
        await tx.insert(ProgrammeRow, { programmeId, name, regionCode, productId, launchedBy, launchedAt, closed: false, closedAt: null });
        return;
      }
      case 'ProgrammeClosed':
        await tx.update(ProgrammeRow, { programmeId: event.data.programmeId }, { closed: true, closedAt: event.data.closedAt });
        return;
      case 'PolicyRequested': {
        const d = event.data;
        await tx.insert(PolicyRow, {
          policyId: d.policyId,
          householdId: d.householdId,
          productId: d.productId,
          productVersion: d.productVersion,
          insurerId: d.insurerId,
          status: 'requested',
          policyNumber: null,
          premium: d.premium.amount,
          sumInsured: d.sumInsured.amount,
          currency: d.premium.currency,
          waitingPeriodDays: d.waitingPeriodDays,
          termDays: d.termDays,
          startDate: null,
          endDate: null,
          claimsPaid: 0,
          requestedAt: d.requestedAt,
          issuedAt: null,
          cancellationEffectiveDate: null,
          unearnedPremiumReturned: 0,
        });
        return;
      }
      case 'PolicyIssued': {
        const { policyId, policyNumber, startDate, endDate, issuedAt } = event.data;
        await tx.update(PolicyRow, { policyId }, { status: 'active', policyNumber, startDate, endDate, issuedAt });
        return;
      }
      case 'PolicyCancelled': {
        const { policyId, effectiveDate, wasIssued, unearnedPremium } = event.data;
        await tx.update(PolicyRow, { policyId }, {
          status: 'cancelled',
          cancellationEffectiveDate: effectiveDate,
          unearnedPremiumReturned: wasIssued ? unearnedPremium.amount : 0,
        });
        return;
      }
      case 'PolicyExpired':
        await tx.update(PolicyRow, { policyId: event.data.policyId }, { status: 'expired' });
        return;
      case 'ClaimFiled': {
        const d = event.data;
        const policy = await tx.findOneByOrFail(PolicyRow, { policyId: d.policyId });
        await tx.insert(ClaimRow, {
          claimId: d.claimId,
          policyId: d.policyId,
          householdId: d.householdId,
          insurerId: policy.insurerId,
          state: 'filed',
          kind: d.kind,
          incidentDate: d.incidentDate,
          amountClaimed: d.amountClaimed.amount,
          approvedAmount: null,
          paidAmount: null,
          currency: d.amountClaimed.currency,
          filedByRole: d.filedBy.role,
          filedById: d.filedBy.id,
          filedAt: d.filedAt,
          decidedAt: null,
          rejectionReason: null,
          paidAt: null,
          payoutReference: null,
          fundedBy: null,
        });
        return;
      }
      case 'ClaimApproved':
        await tx.update(ClaimRow, { claimId: event.data.claimId }, { state: 'approved', approvedAmount: event.data.approvedAmount.amount, decidedAt: event.data.approvedAt });
        return;
      case 'ClaimRejected':
        await tx.update(ClaimRow, { claimId: event.data.claimId }, { state: 'rejected', rejectionReason: event.data.reason, decidedAt: event.data.rejectedAt });
        return;
      case 'ClaimPaid': {
        const { claimId, policyId, amount, paidAt, payoutReference, fundedBy } = event.data;
        await tx.update(ClaimRow, { claimId }, { state: 'paid', paidAmount: amount.amount, paidAt, payoutReference, fundedBy });
        await tx.increment(PolicyRow, { policyId }, 'claimsPaid', amount.amount);
        return;
      }
    }
  }
}
