import type { EntityManager } from 'typeorm';
import { ancestry, openPersonalData, policyIdFor, type HouseholdPersonalData, type SealedPersonalData } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { pangolinEvent } from '../shared/pangolin-event';
import { HouseholdRow } from './household.entity';
import { HouseholdFundingRow } from './household-funding.entity';
import { destroyHouseholdDataKey, findHouseholdDataKey } from '../personal-data/household-key-vault';

/**
 * Household directory and, per (household, product), the funding status of the current round.
 * Personal data arrive sealed; they are opened with the household's key, read in the same
 * transaction. A household whose key is gone (erased) keeps no personal data, now or after a rebuild.
 */
export class HouseholdsProjection implements Projection {
  readonly name = 'households';

  async apply(recorded: RecordedEvent, tx: EntityManager): Promise<void> {
    const event = pangolinEvent(recorded);
    switch (event.type) {
      case 'HouseholdRegistered': {
        const d = event.data;
        const { county, town, village } = ancestry(d.villageCode);
        const personal = await openedPersonalData(tx, d.householdId, d.personal);
        await tx.insert(HouseholdRow, {
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
        await destroyHouseholdDataKey(tx, householdId);
        await tx.update(HouseholdRow, { householdId }, { personal: null, personalDataErased: true });
        return;
      }
      case 'HouseholdEligibilityVerified': {
        const { householdId, category, verifiedAt } = event.data;
        await tx.update(HouseholdRow, { householdId }, { eligible: true, category, verifiedAt, verifiedPosition: recorded.position, revokedAt: null, revocationReason: null });
        return;
      }
      case 'HouseholdEligibilityRevoked': {
        const { householdId, reason, revokedAt } = event.data;
        await tx.update(HouseholdRow, { householdId }, { eligible: false, revokedAt, revocationReason: reason });
        return;
      }
      case 'PremiumContributionAccepted': {
        const d = event.data;
        await this.saveFunding(tx, d.householdId, d.productId, {
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
        await this.saveFunding(tx, d.householdId, d.productId, {
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
        await tx.update(HouseholdFundingRow, { householdId, productId }, {
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
        await tx.update(HouseholdFundingRow, { householdId, productId, policyId }, { status: 'covered', updatedAt: requestedAt });
        return;
      }
      case 'PolicyIssued': {
        const { householdId, policyId, issuedAt } = event.data;
        await tx.update(HouseholdFundingRow, { householdId, policyId }, { status: 'covered', activePolicyId: policyId, updatedAt: issuedAt });
        return;
      }
      case 'PolicyCancelled':
        await this.endPolicy(tx, event.data.householdId, event.data.policyId, 'cancelled', event.data.cancelledAt);
        return;
      case 'PolicyExpired':
        await this.endPolicy(tx, event.data.householdId, event.data.policyId, 'expired', event.data.expiredAt);
        return;
    }
  }

  private async saveFunding(tx: EntityManager, householdId: string, productId: string, round: Omit<HouseholdFundingRow, 'householdId' | 'productId' | 'activePolicyId'>): Promise<void> {
    const existing = await tx.findOneBy(HouseholdFundingRow, { householdId, productId });
    if (existing) await tx.update(HouseholdFundingRow, { householdId, productId }, round);
    else await tx.insert(HouseholdFundingRow, { householdId, productId, activePolicyId: null, ...round });
  }

  private async endPolicy(tx: EntityManager, householdId: string, policyId: string, status: 'cancelled' | 'expired', at: string): Promise<void> {
    await tx.update(HouseholdFundingRow, { householdId, policyId }, { status, updatedAt: at });
    await tx.update(HouseholdFundingRow, { householdId, activePolicyId: policyId }, { activePolicyId: null, updatedAt: at });
  }
}

/** The household's personal data, or null when its key is gone. A key that does not open the data is corruption: it throws. */
async function openedPersonalData(tx: EntityManager, householdId: string, sealed: SealedPersonalData): Promise<HouseholdPersonalData | null> {
  const key = await findHouseholdDataKey(tx, householdId);
  return key && openPersonalData(sealed, key, householdId);
}
