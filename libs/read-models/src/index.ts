export * from './projection';
export * from './checkpoint.entity';
export * from './projection-runner';
export * from './reset-projections';
export * from './registry';
export * from './data-source';
export * from './migrations';
export * from './write-lock';
export * from './dead-letters/parked-event.entity';
export * from './dead-letters/parked-events';

export * from './catalogue/product.entity';
export * from './catalogue/programme.entity';
export * from './catalogue/policy.entity';
export * from './catalogue/claim.entity';
export * from './catalogue/catalogue.projection';
export * from './catalogue/catalogue.queries';

export * from './households/household.entity';
export * from './households/household-funding.entity';
export * from './households/uncovered-household.entity';
export * from './households/households.projection';
export * from './households/households.queries';


export * from './donor-view/donor-gift.entity';
export * from './donor-view/gift-allocation.entity';
export * from './donor-view/gift-refund.entity';
export * from './donor-view/gift-status';
export * from './donor-view/donor-view.projection';
export * from './donor-view/donor-view.queries';

export * from './insurer-view/earned-premium';
export * from './insurer-view/policy-cohort.entity';
export * from './insurer-view/insurer-view.queries';

export * from './government-dashboard/dashboard-household.entity';
export * from './government-dashboard/dashboard-gift.entity';
export * from './government-dashboard/region-money.entity';
export * from './government-dashboard/village-counts.entity';
export * from './government-dashboard/dashboard-claim.entity';
export * from './government-dashboard/village-claims.entity';
export * from './government-dashboard/government-dashboard.projection';
export * from './government-dashboard/government-dashboard.queries';

export * from './public-view/public-gift.entity';
export * from './public-view/public-allocation.entity';
export * from './public-view/public-totals.entity';
export * from './public-view/public-reach.entity';
export * from './public-view/public-member.entity';
export * from './public-view/public-view.projection';
export * from './public-view/public-view.queries';
export * from './public-view/public-money-movement.entity';
export * from './public-view/money-feed.projection';
export * from './public-view/money-feed.queries';

export * from './household-history/household-history.entity';
export * from './household-history/household-history.projection';
export * from './household-history/household-history.queries';

export * from './ledger/ledger-posting.entity';
export * from './ledger/ledger-entry.entity';
export * from './ledger/ledger-posting-gift.entity';
export * from './ledger/ledger-total.entity';
export * from './ledger/ledger.projection';
export * from './ledger/ledger.queries';

export * from './merkle-log/merkle-subtree-hash.entity';
export * from './merkle-log/typeorm-subtree-hash-store';
export * from './merkle-log/merkle-log.projection';
export * from './merkle-log/merkle-log.queries';
export * from './merkle-log/trail.entities';
export * from './merkle-log/trails';
export * from './merkle-log/audit-merkle-log';
export * from './disasters/disaster-declaration.entity';
export * from './disasters/disaster-payout.entity';
export * from './disasters/disasters.projection';
export * from './disasters/disasters.queries';
export * from './indicators/indicator-tables.entity';
export * from './indicators/indicators.projection';
export * from './indicators/indicators.queries';
export * from './disclosures/disclosure-report.entity';
export * from './disclosures/disclosures.projection';
export * from './disclosures/disclosures.queries';

export { quotedTable, rawQuery } from './shared/raw-sql';
export * from './shared/paging';
export * from './shared/columns';
