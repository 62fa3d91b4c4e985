import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { pangolinEvent } from '../shared/pangolin-event';
import { DashboardHouseholdRow } from './dashboard-household.entity';
import { DashboardGiftRow } from './dashboard-gift.entity';
import { RegionMoneyRow } from './region-money.entity';

type RegionFigure = 'received' | 'allocated' | 'claimsPaid';

/** Household counts and money per region, rolled up county -> town -> village at query time. */
export class GovernmentDashboardProjection implements Projection {
  readonly name = 'government-dashboard';

  async apply(recorded: RecordedEvent, tx: EntityManager): Promise<void> {
    const event = pangolinEvent(recorded);
    switch (event.type) {
      case 'HouseholdRegistered':
        await tx.insert(DashboardHouseholdRow, { householdId: event.data.householdId, villageCode: event.data.villageCode, eligible: false, activePolicies: 0 });
        return;
      case 'HouseholdEligibilityVerified':
        await tx.update(DashboardHouseholdRow, { householdId: event.data.householdId }, { eligible: true });
        return;
      case 'HouseholdEligibilityRevoked':
        await tx.update(DashboardHouseholdRow, { householdId: event.data.householdId }, { eligible: false });
        return;
      case 'PolicyIssued':
        await tx.increment(DashboardHouseholdRow, { householdId: event.data.householdId }, 'activePolicies', 1);
        return;
      case 'PolicyCancelled':
        if (event.data.wasIssued) await tx.decrement(DashboardHouseholdRow, { householdId: event.data.householdId }, 'activePolicies', 1);
        return;
      case 'PolicyExpired':
        await tx.decrement(DashboardHouseholdRow, { householdId: event.data.householdId }, 'activePolicies', 1);
        return;
      case 'GiftPledged': {
        const { giftId, target } = event.data;
        const regionCode = target.kind === 'programme' ? target.regionCode : await villageOf(tx, target.householdId);
        await tx.insert(DashboardGiftRow, { giftId, regionCode });
        return;
      }
      case 'GiftPaymentConfirmed': {
        const gift = await tx.findOneByOrFail(DashboardGiftRow, { giftId: event.data.giftId });
        await addMoney(tx, gift.regionCode, event.data.amount.currency, 'received', event.data.amount.amount);
        return;
      }
      case 'GiftAllocated':
        await addMoney(tx, await villageOf(tx, event.data.householdId), event.data.amount.currency, 'allocated', event.data.amount.amount);
        return;
      case 'ClaimPaid':
        await addMoney(tx, await villageOf(tx, event.data.householdId), event.data.amount.currency, 'claimsPaid', event.data.amount.amount);
        return;
    }
  }
}

async function villageOf(tx: EntityManager, householdId: string): Promise<string> {
  return (await tx.findOneByOrFail(DashboardHouseholdRow, { householdId })).villageCode;
}

async function addMoney(tx: EntityManager, regionCode: string, currency: string, figure: RegionFigure, amount: number): Promise<void> {
  const existing = await tx.findOneBy(RegionMoneyRow, { regionCode, currency });
  if (existing) await tx.increment(RegionMoneyRow, { regionCode, currency }, figure, amount);
  else await tx.insert(RegionMoneyRow, { regionCode, currency, received: 0, allocated: 0, claimsPaid: 0, [figure]: amount });
}
