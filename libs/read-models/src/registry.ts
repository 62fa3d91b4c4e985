import type { Projection } from './projection';
import { ProjectionCheckpoint } from './checkpoint.entity';
import { CatalogueProjection } from './catalogue/catalogue.projection';
import { ProductRow } from './catalogue/product.entity';
import { ProgrammeRow } from './catalogue/programme.entity';
import { PolicyCohortRow } from './insurer-view/policy-cohort.entity';
import { PolicyRow } from './catalogue/policy.entity';
import { ClaimRow } from './catalogue/claim.entity';
import { HouseholdsProjection, type HouseholdKeys } from './households/households.projection';
import { HouseholdRow } from './households/household.entity';
import { HouseholdFundingRow } from './households/household-funding.entity';
import { UncoveredHouseholdRow, UncoveredProductRow } from './households/uncovered-household.entity';
import { DonorViewProjection } from './donor-view/donor-view.projection';
import { DonorGiftRow } from './donor-view/donor-gift.entity';
import { GiftAllocationRow } from './donor-view/gift-allocation.entity';
import { GiftRefundRow } from './donor-view/gift-refund.entity';
import { GovernmentDashboardProjection } from './government-dashboard/government-dashboard.projection';
import { DashboardHouseholdRow } from './government-dashboard/dashboard-household.entity';
import { DashboardGiftRow } from './government-dashboard/dashboard-gift.entity';
import { RegionMoneyRow } from './government-dashboard/region-money.entity';
import { VillageCountsRow } from './government-dashboard/village-counts.entity';
import { DashboardClaimRow } from './government-dashboard/dashboard-claim.entity';
import { VillageClaimsRow } from './government-dashboard/village-claims.entity';
import { PublicViewProjection } from './public-view/public-view.projection';
import { MoneyFeedProjection } from './public-view/money-feed.projection';
import { HouseholdHistoryProjection } from './household-history/household-history.projection';
import { HouseholdHistoryPolicyRow, HouseholdHistoryRow } from './household-history/household-history.entity';
import { PublicMoneyMovementRow } from './public-view/public-money-movement.entity';
import { PublicGiftRow } from './public-view/public-gift.entity';
import { PublicAllocationRow } from './public-view/public-allocation.entity';
import { PublicTotalsRow } from './public-view/public-totals.entity';
import { PublicReachRow } from './public-view/public-reach.entity';
import { PublicMemberRow } from './public-view/public-member.entity';
import { LedgerProjection } from './ledger/ledger.projection';
import { LedgerPostingRow } from './ledger/ledger-posting.entity';
import { LedgerEntryRow } from './ledger/ledger-entry.entity';
import { LedgerPostingGiftRow } from './ledger/ledger-posting-gift.entity';
import { LedgerTotalRow } from './ledger/ledger-total.entity';
import { MerkleLogProjection } from './merkle-log/merkle-log.projection';
import { MerkleSubtreeHashRow } from './merkle-log/merkle-subtree-hash.entity';
import { TrailEventRow, TrailHeadRow, TrailPolicyGiftRow, TrailProgressRow } from './merkle-log/trail.entities';
import { DisastersProjection } from './disasters/disasters.projection';
import { DisasterDeclarationRow } from './disasters/disaster-declaration.entity';
import { DisasterPayoutRow } from './disasters/disaster-payout.entity';
import { IndicatorsProjection } from './indicators/indicators.projection';
import { CoverageMonthRow, IndicatorHouseholdRow, IndicatorMonthRow, IndicatorPolicyRow, IndicatorProductRow, PromptnessClaimRow, PromptnessDeclarationRow } from './indicators/indicator-tables.entity';
import { DisclosuresProjection } from './disclosures/disclosures.projection';
import { DisclosureReportRow } from './disclosures/disclosure-report.entity';

/** Every table of the read side, the checkpoints included. */
export const readModelEntities = [
  ProjectionCheckpoint,
  ProductRow,
  ProgrammeRow,
  PolicyRow,
  PolicyCohortRow,
  ClaimRow,
  HouseholdRow,
  HouseholdFundingRow,
  UncoveredHouseholdRow,
  UncoveredProductRow,
  DonorGiftRow,
  GiftAllocationRow,
  GiftRefundRow,
  DashboardHouseholdRow,
  DashboardGiftRow,
  RegionMoneyRow,
  VillageCountsRow,
  DashboardClaimRow,
  VillageClaimsRow,
  PublicGiftRow,
  PublicAllocationRow,
  PublicTotalsRow,
  PublicReachRow,
  PublicMemberRow,
  PublicMoneyMovementRow,
  HouseholdHistoryRow,
  HouseholdHistoryPolicyRow,
  LedgerPostingRow,
  LedgerEntryRow,
  LedgerPostingGiftRow,
  LedgerTotalRow,
  MerkleSubtreeHashRow,
  TrailHeadRow,
  TrailEventRow,
  TrailPolicyGiftRow,
  TrailProgressRow,
  DisasterDeclarationRow,
  DisasterPayoutRow,
  IndicatorProductRow,
  IndicatorHouseholdRow,
  IndicatorPolicyRow,
  PromptnessClaimRow,
  PromptnessDeclarationRow,
  IndicatorMonthRow,
  CoverageMonthRow,
  DisclosureReportRow,
];

/**
 * One instance of every projection. The insurer view has none: it queries the catalogue's tables.
 * `householdKeys`: where the households view finds the keys that open sealed personal data (the records store).
 */
export function allProjections(householdKeys: HouseholdKeys): Projection[] {
  return [
    new CatalogueProjection(),
    new HouseholdsProjection(householdKeys),
    new DonorViewProjection(),
    new GovernmentDashboardProjection(),
    new PublicViewProjection(),
    new MoneyFeedProjection(),
    new HouseholdHistoryProjection(),
    new LedgerProjection(),
    new MerkleLogProjection(),
    new DisastersProjection(),
    new IndicatorsProjection(),
    new DisclosuresProjection(),
  ];
}

/** The projections' names, in order (for what needs only their names, such as a reset). */
export const PROJECTION_NAMES: readonly string[] = allProjections({
  keysOf: () => Promise.reject(new Error('these projections are for their names only')),
}).map(({ name }) => name);
