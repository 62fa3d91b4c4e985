import type { EntityManager } from 'typeorm';
import { ancestry, openPersonalData, policyIdFor, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { HouseholdRow } from './household.entity';
import { HouseholdFundingRow } from './household-funding.entity';
import { HouseholdDataKeyRow } from '../personal-data/household-data-key.entity';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return { households: new RowSet(tx, HouseholdRow), funding: new RowSet(tx, HouseholdFundingRow), dataKeys: new RowSet(tx, HouseholdDataKeyRow) };
}

/**
 * Household directory and, per (household, product), the funding status of the current round.
 * Personal data arrive sealed; they are opened with the household's key, read in the same
 * transaction. A household whose key is gone (erased) keeps no personal data, now or after a rebuild.
 *
 * Applied a batch at a time (see RowSet).
 */
export class HouseholdsProjection implements Projection {
  readonly name = 'households';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

async function prefetch({ households, funding, dataKeys }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  const householdOf = (event: PangolinEvent) => (event.data as { householdId?: string }).householdId;
  await households.load('householdId', keysIn(events, (event) => (event.type.startsWith('Household') ? householdOf(event) : undefined)));
  await funding.load('householdId', keysIn(events, (event) => (event.type.startsWith('Premium') || event.type.startsWith('Policy') ? householdOf(event) : undefined)));
  await dataKeys.load('householdId', keysIn(events, (event) => (event.type === 'HouseholdRegistered' || event.type === 'HouseholdPersonalDataErased' ? householdOf(event) : undefined)));
}

async function applyEvent({ households, funding, dataKeys }: Tables, event: PangolinEvent, recorded: RecordedEvent): Promise<void> {
  switch (event.type) {
    case 'HouseholdRegistered': {
      const d = event.data;
      const { county, town, village } = ancestry(d.villageCode);
      const key = await dataKeys.get({ householdId: d.householdId });
      // A household whose key is gone keeps no personal data; a key that does not open them is corruption: it throws.
      const personal = key ? openPersonalData(d.personal, Buffer.from(key.key, 'base64'), d.householdId) : null;
      await households.insert({
        householdId: d.householdId,
        householdCode: d.householdCode,
        villageCode: village,
        townCode: town,
        countyCode: county,
        category: d.category,
        size: d.size,
        eligible: false,
        verifiedPosition: null,
        verifiedAt: null,
        revokedAt: null,
        revocationReason: null,
        registeredBy: d.registeredBy,
        registeredAt: d.registeredAt,
        personal,
        personalDataErased: personal === null,
      });
      return;
    }
    case 'HouseholdPersonalDataErased': {
      // Key and plaintext go in one transaction with the checkpoint: an erasure is never half done.
      const { householdId } = event.data;
      await dataKeys.delete({ householdId });
      await households.update({ householdId }, { personal: null, personalDataErased: true });
      return;
    }
    case 'HouseholdEligibilityVerified': {
      const { householdId, category, verifiedAt } = event.data;
      await households.update({ householdId }, { eligible: true, category, verifiedAt, verifiedPosition: recorded.position, revokedAt: null, revocationReason: null });
      return;
    }
    case 'HouseholdEligibilityRevoked': {
      const { householdId, reason, revokedAt } = event.data;
      await households.update({ householdId }, { eligible: false, revokedAt, revocationReason: reason });
      return;
    }
    case 'PremiumContributionAccepted': {
      const d = event.data;
      await saveFunding(funding, d.householdId, d.productId, {
        round: d.round,
        policyId: d.policyId,
        premium: d.premium.amount,
        funded: d.fundedTotal.amount,
        currency: d.premium.currency,
        status: 'funding',
        updatedAt: d.acceptedAt,
      });
      return;
    }
    case 'PremiumFullyFunded': {
      const d = event.data;
      await saveFunding(funding, d.householdId, d.productId, {
        round: d.round,
        policyId: d.policyId,
        premium: d.premium.amount,
        funded: d.premium.amount,
        currency: d.premium.currency,
        status: 'funded',
        updatedAt: d.fundedAt,
      });
      return;
    }
    case 'PremiumFundingReopened': {
      // The round's contributions went back to their gifts; it starts over from nothing.
      const { householdId, productId, round, reopenedAt } = event.data;
      await funding.update({ householdId, productId }, {
        round,
        policyId: policyIdFor(householdId, productId, round),
        funded: 0,
        status: 'funding',
        updatedAt: reopenedAt,
      });
      return;
    }
    case 'PolicyRequested': {
      const { householdId, productId, policyId, requestedAt } = event.data;
      await changeFundingOf(funding, householdId, (row) => row.productId === productId && row.policyId === policyId, { status: 'covered', updatedAt: requestedAt });
      return;
    }
    case 'PolicyIssued': {
      const { householdId, policyId, issuedAt } = event.data;
      await changeFundingOf(funding, householdId, (row) => row.policyId === policyId, { status: 'covered', activePolicyId: policyId, updatedAt: issuedAt });
      return;
    }
    case 'PolicyCancelled':
      await endPolicy(funding, event.data.householdId, event.data.policyId, 'cancelled', event.data.cancelledAt);
      return;
    case 'PolicyExpired':
      await endPolicy(funding, event.data.householdId, event.data.policyId, 'expired', event.data.expiredAt);
      return;
  }
}

async function saveFunding(funding: RowSet<HouseholdFundingRow>, householdId: string, productId: string, round: Omit<HouseholdFundingRow, 'householdId' | 'productId' | 'activePolicyId'>): Promise<void> {
  const existing = await funding.get({ householdId, productId });
  if (existing) funding.change(existing, round);
  else await funding.insert({ householdId, productId, activePolicyId: null, ...round });
}

/** Changes the household's funding rows that `matches` picks. */
async function changeFundingOf(funding: RowSet<HouseholdFundingRow>, householdId: string, matches: (row: HouseholdFundingRow) => boolean, changes: Partial<HouseholdFundingRow>): Promise<void> {
  for (const row of await funding.where('householdId', householdId)) if (matches(row)) funding.change(row, changes);
}

async function endPolicy(funding: RowSet<HouseholdFundingRow>, householdId: string, policyId: string, status: 'cancelled' | 'expired', at: string): Promise<void> {
  await changeFundingOf(funding, householdId, (row) => row.policyId === policyId, { status, updatedAt: at });
  await changeFundingOf(funding, householdId, (row) => row.activePolicyId === policyId, { activePolicyId: null, updatedAt: at });
}
