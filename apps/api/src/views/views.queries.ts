import { ForbiddenException, Inject, NotFoundException } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { regionContains } from '@pangolin/domain';
import * as views from '@pangolin/read-models';
import { Principal } from '../auth/principal';
import { READ_DB } from '../infrastructure/tokens';

/**
 * Reads go straight to the read models built by the projections. Each query enforces who may see
 * what: personal data only for the household's government and insurer of record; a donor's gifts
 * only for that donor (and auditors/admins).
 */
export class HouseholdQuery extends Query<unknown> {
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
      return { ...(await views.findHouseholdPersonal(this.db.manager, householdId)), policies: await views.policiesOfHousehold(this.db.manager, householdId) };
    }
    return views.publicHousehold(this.db.manager, householdId);
  }
}

async function maySeePersonalData(db: DataSource, user: Principal | undefined, householdId: string, villageCode: string): Promise<boolean> {
  if (user?.role === 'government' && user.regionCode) return regionContains(user.regionCode, villageCode);
  if (user?.role === 'insurer' && user.insurerId) return views.isInsurerOfRecord(db.manager, householdId, user.insurerId);
  return false;
}

export class UncoveredHouseholdsQuery extends Query<unknown> {
  constructor(readonly regionCode: string, readonly productId: string) {
    super();
  }
}

/** The anonymised list donors choose from: codes, villages, sizes, categories, what is still needed. */
@QueryHandler(UncoveredHouseholdsQuery)
export class UncoveredHouseholdsQueryHandler implements IQueryHandler<UncoveredHouseholdsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ regionCode, productId }: UncoveredHouseholdsQuery) {
    if (!(await views.findProduct(this.db.manager, productId))) throw new NotFoundException(`product ${productId} not found`);
    return views.listUncoveredEligible(this.db.manager, regionCode, productId);
  }
}

/** A government may look at its own region or any part of it. */
export function governmentScope(user: Principal, requested: string | undefined): string {
  const own = user.regionCode as string;
  const region = requested ?? own;
  if (!regionContains(own, region)) throw new ForbiddenException(`region ${region} is outside your region ${own}`);
  return region;
}

export class GovernmentDashboardQuery extends Query<unknown> {
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
      uncoveredEligible: await views.uncoveredEligible(this.db.manager, region),
    };
  }
}

export class GovernmentHouseholdsQuery extends Query<unknown> {
  constructor(readonly user: Principal, readonly regionCode: string | undefined) {
    super();
  }
}

@QueryHandler(GovernmentHouseholdsQuery)
export class GovernmentHouseholdsQueryHandler implements IQueryHandler<GovernmentHouseholdsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, regionCode }: GovernmentHouseholdsQuery) {
    return views.householdsInRegion(this.db.manager, governmentScope(user, regionCode));
  }
}

export class DonorGiftsQuery extends Query<unknown> {
  constructor(readonly donorId: string) {
    super();
  }
}

@QueryHandler(DonorGiftsQuery)
export class DonorGiftsQueryHandler implements IQueryHandler<DonorGiftsQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ donorId }: DonorGiftsQuery) {
    const gifts = await views.giftsOfDonor(this.db.manager, donorId);
    return Promise.all(gifts.map(async (gift) => withReceiptLink((await views.giftTrace(this.db.manager, gift.giftId)) as views.GiftTrace)));
  }
}

export class GiftTraceQuery extends Query<unknown> {
  constructor(readonly user: Principal, readonly giftId: string) {
    super();
  }
}

/** A gift's existence is the donor's business: anyone else but auditors and admins gets 404. */
@QueryHandler(GiftTraceQuery)
export class GiftTraceQueryHandler implements IQueryHandler<GiftTraceQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ user, giftId }: GiftTraceQuery) {
    const trace = await views.giftTrace(this.db.manager, giftId);
    const visible = trace && (user.role === 'auditor' || user.role === 'admin' || trace.donorId === user.userId);
    if (!visible) throw new NotFoundException(`gift ${giftId} not found`);
    return withReceiptLink(trace);
  }
}

/** Where the donor downloads the gift's verifiable receipt (see the transparency controller). */
function withReceiptLink(trace: views.GiftTrace) {
  return { ...trace, receiptUrl: `/gifts/${trace.giftId}/receipt` };
}

export class InsurerViewQuery extends Query<unknown> {
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

export class InsurerLossRatioQuery extends Query<unknown> {
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

export class PublicViewQuery extends Query<unknown> {}

@QueryHandler(PublicViewQuery)
export class PublicViewQueryHandler implements IQueryHandler<PublicViewQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute() {
    return views.publicView(this.db.manager);
  }
}

export class CatalogueQuery extends Query<unknown> {
  constructor(readonly what: 'products' | 'programmes') {
    super();
  }
}

@QueryHandler(CatalogueQuery)
export class CatalogueQueryHandler implements IQueryHandler<CatalogueQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ what }: CatalogueQuery) {
    return what === 'products' ? views.listProducts(this.db.manager) : views.listProgrammes(this.db.manager);
  }
}

export class LedgerQuery extends Query<unknown> {
  constructor(readonly giftId?: string) {
    super();
  }
}

@QueryHandler(LedgerQuery)
export class LedgerQueryHandler implements IQueryHandler<LedgerQuery> {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async execute({ giftId }: LedgerQuery) {
    if (giftId) {
      // An unknown gift is not a gift without entries.
      if (!(await views.giftTrace(this.db.manager, giftId))) throw new NotFoundException(`gift ${giftId} not found`);
      return views.entriesForGift(this.db.manager, giftId);
    }
    return { total: await views.ledgerTotal(this.db.manager), balances: await views.accountBalances(this.db.manager) };
  }
}

export const viewQueryHandlers = [
  HouseholdQueryHandler,
  UncoveredHouseholdsQueryHandler,
  GovernmentDashboardQueryHandler,
  GovernmentHouseholdsQueryHandler,
  DonorGiftsQueryHandler,
  GiftTraceQueryHandler,
  InsurerViewQueryHandler,
  InsurerLossRatioQueryHandler,
  PublicViewQueryHandler,
  CatalogueQueryHandler,
  LedgerQueryHandler,
];
