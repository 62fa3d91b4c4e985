import { CreateReadModels1764000000000 } from './1764000000000-create-read-models';
import { CreateMerkleLog1764100000000 } from './1764100000000-create-merkle-log';
import { CreateTransparencyRecords1764200000000 } from './1764200000000-create-transparency-records';
import { CreateHouseholdDataKeys1764300000000 } from './1764300000000-create-household-data-keys';
import { CreateParkedEvents1764410000000 } from './1764410000000-create-parked-events';
import { DropLedgerPostingIndexes1764500000000 } from './1764500000000-drop-ledger-posting-indexes';
import { IndexListOrders1765000000000 } from './1765000000000-index-list-orders';
import { DashboardClaims1765100000000 } from './1765100000000-dashboard-claims';
import { IndexUncoveredWalk1765200000000 } from './1765200000000-index-uncovered-walk';
import { CreateDisasterDeclarations1765500000000 } from './1765500000000-create-disaster-declarations';
import { PublicTotals1765600000000 } from './1765600000000-public-totals';
import { UncoveredHouseholds1765700000000 } from './1765700000000-uncovered-households';
import { DisclosureReports1765800000000 } from './1765800000000-disclosure-reports';
import { IndexCodeSearch1765810000000 } from './1765810000000-index-code-search';
import { CheckpointCosignatures1765820000000 } from './1765820000000-checkpoint-cosignatures';
import { InsurerPolicyCohorts1765830000000 } from './1765830000000-insurer-policy-cohorts';
import { Indicators1765850000000 } from './1765850000000-indicators';
import { InclusionPromises1765860000000 } from './1765860000000-inclusion-promises';
import { PublicMoneyMovements1765890000000 } from './1765890000000-public-money-movements';
import { HouseholdHistory1765895000000 } from './1765895000000-household-history';

export { schemaOf } from './schema-of';

/** Every migration of the read models, oldest first. Never edit one that has shipped: add a new one. */
export const readModelMigrations = [CreateReadModels1764000000000, CreateMerkleLog1764100000000, CreateTransparencyRecords1764200000000, CreateHouseholdDataKeys1764300000000, CreateParkedEvents1764410000000, DropLedgerPostingIndexes1764500000000, IndexListOrders1765000000000, DashboardClaims1765100000000, IndexUncoveredWalk1765200000000, CreateDisasterDeclarations1765500000000, PublicTotals1765600000000, UncoveredHouseholds1765700000000, DisclosureReports1765800000000, IndexCodeSearch1765810000000, CheckpointCosignatures1765820000000, InsurerPolicyCohorts1765830000000, Indicators1765850000000, InclusionPromises1765860000000, PublicMoneyMovements1765890000000, HouseholdHistory1765895000000];
