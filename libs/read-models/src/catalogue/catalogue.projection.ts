import type { EntityManager } from 'typeorm';
import type { PangolinEvent, ProductTerms } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { ProductRow } from './product.entity';
import { ProgrammeRow } from './programme.entity';
import { PolicyRow } from './policy.entity';
import { ClaimRow } from './claim.entity';
import { PolicyCohortRow } from '../insurer-view/policy-cohort.entity';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { products: new RowSet(tx, ProductRow), programmes: new RowSet(tx, ProgrammeRow), policies: new RowSet(tx, PolicyRow), claims: new RowSet(tx, ClaimRow), cohorts: new RowSet(tx, PolicyCohortRow) };
}

/** Lookup tables the API routes and authorises commands with: products, programmes, policies, claims; and the insurers' policy cohorts. Applied a batch at a time (see RowSet). */
export class CatalogueProjection implements Projection {
  readonly name = 'catalogue';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

async function prefetch(tables: Tables, events: readonly PangolinEvent[]): Promise<void> {
  const field = (event: PangolinEvent, name: string) => (event.data as Record<string, unknown>)[name] as string | undefined;
  await tables.products.load('productId', keysIn(events, (event) => (event.type.startsWith('Product') ? field(event, 'productId') : undefined)));
  await tables.programmes.load('programmeId', keysIn(events, (event) => (event.type.startsWith('Programme') ? field(event, 'programmeId') : undefined)));
  await tables.policies.load('policyId', keysIn(events, (event) => (event.type.startsWith('Policy') || event.type.startsWith('Claim') ? field(event, 'policyId') : undefined)));
  await tables.claims.load('claimId', keysIn(events, (event) => (event.type.startsWith('Claim') ? field(event, 'claimId') : undefined)));
}

async function applyEvent({ products, programmes, policies, claims, cohorts }: Tables, event: PangolinEvent): Promise<void> {
  switch (event.type) {
    case 'ProductPublished': {
      const { productId, insurerId, version, terms, publishedAt } = event.data;
      await products.insert({
        productId,
        insurerId,
        version,
        ...termsColumns(terms),
        retired: false,
        publishedAt,
        updatedAt: publishedAt,
      });
      return;
    }
    case 'ProductRevised': {
      const { productId, version, terms, revisedAt } = event.data;
      await products.update({ productId }, {
        version,
        ...termsColumns(terms),
        updatedAt: revisedAt,
      });
      return;
    }
    case 'ProductRetired':
      await products.update({ productId: event.data.productId }, { retired: true, updatedAt: event.data.retiredAt });
      return;
    case 'ProgrammeLaunched': {
      const { programmeId, name, regionCode, productId, launchedBy, launchedAt } = event.data;
      await programmes.insert({ programmeId, name, regionCode, productId, launchedBy, launchedAt, closed: false, closedAt: null });
      return;
    }
    case 'ProgrammeClosed':
      await programmes.update({ programmeId: event.data.programmeId }, { closed: true, closedAt: event.data.closedAt });
      return;
    case 'PolicyRequested': {
      const d = event.data;
      await policies.insert({
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
      await policies.update({ policyId }, { status: 'active', policyNumber, startDate, endDate, issuedAt });
      await countInCohort(cohorts, await policies.get({ policyId }), +1);
      return;
    }
    case 'PolicyCancelled': {
      const { policyId, effectiveDate, wasIssued, unearnedPremium } = event.data;
      await countInCohort(cohorts, await policies.get({ policyId }), -1);
      await policies.update({ policyId }, {
        status: 'cancelled',
        cancellationEffectiveDate: effectiveDate,
        unearnedPremiumReturned: wasIssued ? unearnedPremium.amount : 0,
      });
      await countInCohort(cohorts, await policies.get({ policyId }), +1);
      return;
    }
    case 'PolicyExpired':
      await policies.update({ policyId: event.data.policyId }, { status: 'expired' });
      return;
    case 'ClaimFiled': {
      const d = event.data;
      const policy = await policies.getOrFail({ policyId: d.policyId });
      await claims.insert({
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
        evidence: d.evidence,
        evidenceFiles: d.evidenceFiles ?? [],
        decidedAt: null,
        rejectionReason: null,
        paidAt: null,
        payoutReference: null,
        fundedBy: null,
      });
      return;
    }
    case 'ClaimApproved':
      await claims.update({ claimId: event.data.claimId }, { state: 'approved', approvedAmount: event.data.approvedAmount.amount, decidedAt: event.data.approvedAt });
      return;
    case 'ClaimRejected':
      await claims.update({ claimId: event.data.claimId }, { state: 'rejected', rejectionReason: event.data.reason, decidedAt: event.data.rejectedAt });
      return;
    case 'ClaimPaid': {
      const { claimId, policyId, amount, paidAt, payoutReference, fundedBy } = event.data;
      await claims.update({ claimId }, { state: 'paid', paidAmount: amount.amount, paidAt, payoutReference, fundedBy });
      await policies.increment({ policyId }, 'claimsPaid', amount.amount);
      return;
    }
  }
}

/** The product row's columns that come from its terms (published or revised). */
function termsColumns(terms: ProductTerms) {
  return {
    name: terms.name,
    coverageKind: terms.coverageKind,
    annualPremium: terms.annualPremium.amount,
    sumInsured: terms.sumInsured.amount,
    currency: terms.annualPremium.currency,
    waitingPeriodDays: terms.waitingPeriodDays,
    termDays: terms.termDays,
  };
}

/** Adds an issued policy to its cohort (`sign` +1) or takes it out (-1), with its unearned premium returned; a policy never issued is in none. */
async function countInCohort(cohorts: RowSet<PolicyCohortRow>, policy: PolicyRow | undefined, sign: 1 | -1): Promise<void> {
  if (!policy?.issuedAt || !policy.startDate) return;
  const key = { insurerId: policy.insurerId, currency: policy.currency, premium: policy.premium, startDate: policy.startDate, termDays: policy.termDays, cancellationEffectiveDate: policy.cancellationEffectiveDate ?? '' };
  const cohort = await cohorts.get(key);
  if (cohort) cohorts.change(cohort, { policies: cohort.policies + sign, unearnedPremiumReturned: cohort.unearnedPremiumReturned + sign * policy.unearnedPremiumReturned });
  else await cohorts.insert({ ...key, policies: sign, unearnedPremiumReturned: sign * policy.unearnedPremiumReturned });
}
