import { ForbiddenException, Inject, NotFoundException } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { regionContains } from '@pangolin/domain';
import * as views from '@pangolin/read-models';
import { CLOCK, Principal, READ_DB } from '@pangolin/runtime';
import type { Clock } from '@pangolin/application';

/**
 * Reads go straight to the read models built by the projections. Each query enforces who may see
 * what: personal data only for the household's government and insurer of record; a donor's gifts
 * only for that donor (and auditors/admins).
 */
/** A household as the caller may see it: in full with its first policies (its government, its insurer of record), else its public part; null if none. */
export type HouseholdAnswer = (Partial<views.PersonalHouseholdRecord> & { policies: views.Page<views.PolicyView>; policiesUrl: string }) | views.PublicHousehold | null;

export class HouseholdQuery extends Query<HouseholdAnswer> {
  constructor(readonly user: Principal | undefined, readonly householdId: string) {
    super();
  }
}

@QueryHandler(HouseholdQuery)
export class HouseholdQueryHandler implements IQueryHandler<HouseholdQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, householdId }: HouseholdQuery) {
    const household = await views.findHousehold(this.db.manager, householdId);
    if (!household) throw new NotFoundException(`household ${householdId} not found`);
    if (await maySeePersonalData(this.db, user, householdId, household.villageCode)) {
      const policies = await views.policiesOfHousehold(this.db.manager, householdId, { limit: views.HOUSEHOLD_FIRST_PAGE });
      return { ...(await views.findHouseholdPersonal(this.db.manager, householdId)), policies, policiesUrl: `/households/${householdId}/policies` };
    }
    return views.publicHousehold(this.db.manager, householdId);
  }
}

export class HouseholdPoliciesQuery extends Query<views.Page<views.PolicyView>> {
  constructor(readonly user: Principal, readonly householdId: string, readonly page: views.PageRequest) {
    super();
  }
}

export class HouseholdHistoryQuery extends Query<views.Page<views.HouseholdHistoryEntry>> {
  constructor(readonly user: Principal, readonly householdId: string, readonly page: views.PageRequest) {
    super();
  }
}

/** One page of a household's history, oldest first, for those who see its record in full: its government, its insurer of record. */
@QueryHandler(HouseholdHistoryQuery)
export class HouseholdHistoryQueryHandler implements IQueryHandler<HouseholdHistoryQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, householdId, page }: HouseholdHistoryQuery) {
    await mayReadRecord(this.db, user, householdId);
    return views.householdHistory(this.db.manager, householdId, page);
  }
}

/** One page of a household's policies, for those who see its record in full: its government, its insurer of record. */
@QueryHandler(HouseholdPoliciesQuery)
export class HouseholdPoliciesQueryHandler implements IQueryHandler<HouseholdPoliciesQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, householdId, page }: HouseholdPoliciesQuery) {
    await mayReadRecord(this.db, user, householdId);
    return views.policiesOfHousehold(this.db.manager, householdId, page);
  }
}

/** Throws unless the household exists and `user` sees its record in full (its government, its insurer of record). */
async function mayReadRecord(db: DataSource, user: Principal, householdId: string): Promise<void> {
  const household = await views.findHousehold(db.manager, householdId);
  if (!household) throw new NotFoundException(`household ${householdId} not found`);
  if (!(await maySeePersonalData(db, user, householdId, household.villageCode))) {
    throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: `household ${householdId} is outside your region and you are not its insurer of record`, code: 'household.not-yours' });
  }
}

async function maySeePersonalData(db: DataSource, user: Principal | undefined, householdId: string, villageCode: string): Promise<boolean> {
  if (user?.role === 'government' && user.regionCode) return regionContains(user.regionCode, villageCode);
  if (user?.role === 'insurer' && user.insurerId) return views.isInsurerOfRecord(db.manager, householdId, user.insurerId);
  return false;
}

export class UncoveredHouseholdsQuery extends Query<views.Page<views.UncoveredHousehold>> {
  constructor(readonly filter: views.UncoveredFilter, readonly page: views.PageRequest) {
    super();
  }
}

/** The anonymised list donors choose from: codes, villages, sizes, categories, what is still needed. */
@QueryHandler(UncoveredHouseholdsQuery)
export class UncoveredHouseholdsQueryHandler implements IQueryHandler<UncoveredHouseholdsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ filter, page }: UncoveredHouseholdsQuery) {
    if (!(await views.findProduct(this.db.manager, filter.productId))) throw new NotFoundException(`product ${filter.productId} not found`);
    return views.listUncoveredEligible(this.db.manager, filter, page);
  }
}

/** A government may look at its own region or any part of it. */
export function governmentScope(user: Principal, requested: string | undefined): string {
  const own = user.regionCode as string;
  const region = requested ?? own;
  if (!regionContains(own, region)) throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: `region ${region} is outside your region ${own}`, code: 'region.outside-yours', params: { regionCode: region, yourRegion: own } });
  return region;
}

export class GovernmentDashboardQuery extends Query<views.DashboardNode & { claims: { byState: Record<views.ClaimState, views.ClaimStateSummary> } }> {
  constructor(readonly user: Principal, readonly regionCode: string | undefined) {
    super();
  }
}

@QueryHandler(GovernmentDashboardQuery)
export class GovernmentDashboardQueryHandler implements IQueryHandler<GovernmentDashboardQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, regionCode }: GovernmentDashboardQuery) {
    const region = governmentScope(user, regionCode);
    return {
      ...(await views.dashboard(this.db.manager, region)),
      claims: { byState: await views.claimsInRegion(this.db.manager, region) },
    };
  }
}

export class GovernmentHouseholdsQuery extends Query<views.Page<views.PersonalHouseholdRecord>> {
  constructor(readonly user: Principal, readonly regionCode: string | undefined, readonly filter: Omit<views.HouseholdFilter, 'regionPrefix'>, readonly page: views.PageRequest) {
    super();
  }
}

@QueryHandler(GovernmentHouseholdsQuery)
export class GovernmentHouseholdsQueryHandler implements IQueryHandler<GovernmentHouseholdsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, regionCode, filter, page }: GovernmentHouseholdsQuery) {
    return views.householdsInRegion(this.db.manager, { ...filter, regionPrefix: governmentScope(user, regionCode) }, page);
  }
}

export class DonorGiftsQuery extends Query<views.Page<GiftWithLinks>> {
  constructor(readonly donorId: string, readonly filter: views.DonorGiftFilter, readonly page: views.PageRequest) {
    super();
  }
}

@QueryHandler(DonorGiftsQuery)
export class DonorGiftsQueryHandler implements IQueryHandler<DonorGiftsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ donorId, filter, page }: DonorGiftsQuery) {
    return views.mapPage(await views.giftsOfDonor(this.db.manager, donorId, filter, page), withReceiptLink);
  }
}

export class GiftTraceQuery extends Query<GiftWithLinks | views.Page<views.AllocationTrace> | views.Page<views.GiftRefundView>> {
  /** Without `part`, the gift and the first page of each of its lists; with it, one page of that list. */
  constructor(readonly user: Principal, readonly giftId: string, readonly part?: { list: 'allocations' | 'refunds'; page: views.PageRequest }) {
    super();
  }
}

/** A gift's existence is the donor's business: anyone else but auditors and admins gets 404. */
@QueryHandler(GiftTraceQuery)
export class GiftTraceQueryHandler implements IQueryHandler<GiftTraceQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, giftId, part }: GiftTraceQuery) {
    const gift = await views.findDonorGift(this.db.manager, giftId);
    const visible = gift && (user.role === 'auditor' || user.role === 'admin' || gift.donorId === user.userId);
    if (!visible) throw new NotFoundException(`gift ${giftId} not found`);
    if (part?.list === 'allocations') return views.giftAllocations(this.db.manager, giftId, part.page);
    if (part?.list === 'refunds') return views.giftRefunds(this.db.manager, giftId, part.page);
    return withReceiptLink((await views.giftTrace(this.db.manager, giftId))!);
  }
}

/** A gift's trace with where its receipt and lists are. */
export type GiftWithLinks = ReturnType<typeof withReceiptLink>;

/** Where the donor downloads the gift's verifiable receipt (see the transparency controller), and where its lists page on. */
function withReceiptLink(trace: views.GiftTrace) {
  return { ...trace, receiptUrl: `/gifts/${trace.giftId}/receipt`, allocationsUrl: `/gifts/${trace.giftId}/allocations`, refundsUrl: `/gifts/${trace.giftId}/refunds` };
}

export class InsurerViewQuery extends Query<views.InsurerView> {
  constructor(readonly insurerId: string, readonly asOf: string) {
    super();
  }
}

@QueryHandler(InsurerViewQuery)
export class InsurerViewQueryHandler implements IQueryHandler<InsurerViewQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ insurerId, asOf }: InsurerViewQuery) {
    return views.insurerView(this.db.manager, insurerId, asOf);
  }
}

export class InsurerListQuery extends Query<views.Page<views.InsurerPolicyView> | views.Page<views.InsurerClaimView>> {
  constructor(
    readonly insurerId: string,
    readonly list: { what: 'policies'; filter: views.InsurerPolicyFilter } | { what: 'claims'; filter: views.InsurerClaimFilter },
    readonly page: views.PageRequest,
  ) {
    super();
  }
}

/** The insurer's console: its policies with their households (personal data where it is the insurer of record), its claims. */
@QueryHandler(InsurerListQuery)
export class InsurerListQueryHandler implements IQueryHandler<InsurerListQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ insurerId, list, page }: InsurerListQuery) {
    return list.what === 'policies' ? views.insurerPolicies(this.db.manager, insurerId, list.filter, page) : views.insurerClaims(this.db.manager, insurerId, list.filter, page);
  }
}

export class InsurerLossRatioQuery extends Query<{ insurerId: string; to: string; months: number; series: { currency: string; points: views.LossRatioPoint[] }[] }> {
  constructor(readonly insurerId: string, readonly to: string, readonly months: number) {
    super();
  }
}

@QueryHandler(InsurerLossRatioQuery)
export class InsurerLossRatioQueryHandler implements IQueryHandler<InsurerLossRatioQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ insurerId, to, months }: InsurerLossRatioQuery) {
    return { insurerId, to, months, series: await views.lossRatioOverTime(this.db.manager, insurerId, to, months) };
  }
}

/** An insurer's months (with its promptness) or a region's, or one page of claims, declarations or insurers by promptness. */
export type IndicatorsAnswer =
  | { insurerId: string | undefined; region: string | null; to: string; months: views.MonthlyIndicators[]; promptness: views.InsurerPromptness }
  | { region: string | undefined; to: string; months: views.MonthlyIndicators[] }
  | views.Page<views.ClaimPromptnessView>
  | views.Page<views.DeclarationPromptnessView>
  | views.Page<views.InsurerPromptness>;

/** The indicators and settlement promptness of an insurer (its own products only) or of a government's region. */
export class IndicatorsQuery extends Query<IndicatorsAnswer> {
  constructor(
    readonly user: Principal,
    readonly ask:
      | { what: 'months'; regionCode?: string; to?: string; months: number }
      | { what: 'claims'; regionCode?: string; late?: boolean; page: views.PageRequest }
      | { what: 'declarations'; regionCode?: string; late?: boolean; page: views.PageRequest }
      | { what: 'insurers'; regionCode?: string; page: views.PageRequest },
  ) {
    super();
  }
}

/**
 * An insurer's scope is its own insurer id (within a region if it names one); a government's its
 * region or a part of it (another region: 403). Lateness is judged on the server's clock.
 */
@QueryHandler(IndicatorsQuery)
export class IndicatorsQueryHandler implements IQueryHandler<IndicatorsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute({ user, ask }: IndicatorsQuery) {
    const now = this.clock.now();
    const scope: views.IndicatorScope = user.role === 'insurer' ? { insurerId: user.insurerId as string, regionPrefix: ask.regionCode } : { regionPrefix: governmentScope(user, ask.regionCode) };
    const { manager } = this.db;
    switch (ask.what) {
      case 'months': {
        const to = ask.to ?? now.slice(0, 7);
        const months = await views.monthlyIndicators(manager, scope, to, ask.months);
        if (user.role === 'insurer') return { insurerId: scope.insurerId, region: scope.regionPrefix ?? null, to, months, promptness: await views.insurerPromptness(manager, scope.insurerId!, now) };
        return { region: scope.regionPrefix, to, months };
      }
      case 'claims':
        return views.claimPromptness(manager, scope, { late: ask.late }, now, ask.page);
      case 'declarations':
        return views.declarationPromptness(manager, scope.regionPrefix!, { late: ask.late }, now, ask.page);
      case 'insurers':
        return views.promptnessByInsurer(manager, scope, now, ask.page);
    }
  }
}

export class PublicViewQuery extends Query<{ platform: views.PlatformTotals }> {}

@QueryHandler(PublicViewQuery)
export class PublicViewQueryHandler implements IQueryHandler<PublicViewQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute() {
    return views.publicView(this.db.manager);
  }
}

export class PublicProgrammesQuery extends Query<views.Page<views.ProgrammeTotals>> {
  constructor(readonly page: views.PageRequest) {
    super();
  }
}

@QueryHandler(PublicProgrammesQuery)
export class PublicProgrammesQueryHandler implements IQueryHandler<PublicProgrammesQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ page }: PublicProgrammesQuery) {
    return views.programmeTotals(this.db.manager, page);
  }
}

export class PublicMoneyFeedQuery extends Query<views.Page<views.PublicMoneyMovement>> {
  constructor(
    readonly page: views.PageRequest,
    readonly kind: views.PublicMovementKind | undefined,
  ) {
    super();
  }
}

@QueryHandler(PublicMoneyFeedQuery)
export class PublicMoneyFeedQueryHandler implements IQueryHandler<PublicMoneyFeedQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ page, kind }: PublicMoneyFeedQuery) {
    return views.moneyFeed(this.db.manager, page, { kind });
  }
}

export class CatalogueQuery extends Query<views.Page<views.ProductView> | views.Page<views.ProgrammeView>> {
  constructor(
    readonly list: { what: 'products'; filter: { insurerId?: string; includeRetired?: boolean } } | { what: 'programmes'; filter: { regionPrefix?: string; productId?: string; closed?: boolean } },
    readonly page: views.PageRequest,
  ) {
    super();
  }
}

@QueryHandler(CatalogueQuery)
export class CatalogueQueryHandler implements IQueryHandler<CatalogueQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ list, page }: CatalogueQuery) {
    return list.what === 'products' ? views.listProducts(this.db.manager, list.filter, page) : views.listProgrammes(this.db.manager, list.filter, page);
  }
}

export class LedgerQuery extends Query<views.Page<views.LedgerEntryView> | (views.Page<views.AccountBalance> & { total: views.CurrencyTotal[] })> {
  constructor(readonly page: views.PageRequest, readonly of: { giftId: string } | { accountPrefix?: string }) {
    super();
  }
}

@QueryHandler(LedgerQuery)
export class LedgerQueryHandler implements IQueryHandler<LedgerQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ page, of }: LedgerQuery) {
    if ('giftId' in of) {
      // An unknown gift is not a gift without entries.
      if (!(await views.findDonorGift(this.db.manager, of.giftId))) throw new NotFoundException(`gift ${of.giftId} not found`);
      return views.entriesForGift(this.db.manager, of.giftId, page);
    }
    return { total: await views.ledgerTotal(this.db.manager), ...(await views.accountBalances(this.db.manager, of, page)) };
  }
}

export const viewQueryHandlers = [
  HouseholdQueryHandler,
  HouseholdPoliciesQueryHandler,
  HouseholdHistoryQueryHandler,
  UncoveredHouseholdsQueryHandler,
  GovernmentDashboardQueryHandler,
  GovernmentHouseholdsQueryHandler,
  DonorGiftsQueryHandler,
  GiftTraceQueryHandler,
  InsurerViewQueryHandler,
  InsurerListQueryHandler,
  InsurerLossRatioQueryHandler,
  IndicatorsQueryHandler,
  PublicViewQueryHandler,
  PublicProgrammesQueryHandler,
  PublicMoneyFeedQueryHandler,
  CatalogueQueryHandler,
  LedgerQueryHandler,
];
