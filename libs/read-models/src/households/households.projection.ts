import type { EntityManager } from 'typeorm';
import { openPersonalData } from '@pangolin/application';
import { ancestry, policyIdFor, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { HouseholdRow } from './household.entity';
import { HouseholdFundingRow } from './household-funding.entity';
import { UncoveredHouseholdRow, UncoveredProductRow } from './uncovered-household.entity';
import { quotedTable } from '../shared/raw-sql';

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return {
    households: new RowSet(tx, HouseholdRow),
    funding: new RowSet(tx, HouseholdFundingRow),
    uncovered: new RowSet(tx, UncoveredHouseholdRow),
    products: new RowSet(tx, UncoveredProductRow),
  };
}

/**
 * Where the households view finds the keys that open sealed personal data: the records store,
 * outside the view's transaction. That is safe because a key only ever appears before the events
 * sealed with it are appended, and vanishes after its household's erasure is: a key missing here
 * means the household's data were erased, now or later in the log.
 */
export interface HouseholdKeys {
  /** The keys of those of `householdIds` that have one. */
  keysOf(householdIds: readonly string[]): Promise<ReadonlyMap<string, Buffer>>;
}

/**
 * Household directory and, per (household, product), the funding status of the current round, and
 * the set of eligible households each product still has to cover (see UncoveredHouseholdRow).
 * Personal data arrive sealed; they are opened with the household's key. A household whose key is
 * gone (erased) keeps no personal data, now or after a rebuild. The erasure event clears them from
 * the view; the key itself is destroyed by the application (the records store's erasure process).
 *
 * Applied a batch at a time (see RowSet).
 */
export class HouseholdsProjection implements Projection {
  readonly name = 'households';

  constructor(private readonly householdKeys: HouseholdKeys) {}

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  async applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const tables = tablesOf(tx);
    // The households the batch touched: their uncovered rows are set from the state the batch leaves them in.
    const touched = new Set<string>();
    const productIds: string[] = [];
    let keys: ReadonlyMap<string, Buffer> = new Map();
    const prefetchAll = async (sets: Tables, batch: readonly PangolinEvent[]) => {
      await prefetch(sets, batch);
      keys = await this.householdKeys.keysOf(keysIn(batch, (event) => (event.type === 'HouseholdRegistered' ? event.data.householdId : undefined)));
      const known: { productId: string }[] = await tx.query(`SELECT "productId" FROM ${quotedTable(tx, UncoveredProductRow)}`);
      productIds.push(...known.map((row) => row.productId));
    };
    await applyThroughRowSets(tables, events, prefetchAll, async (sets, event, recorded) => {
      await applyEvent(sets, event, recorded, keys);
      const householdId = (event.data as { householdId?: string }).householdId;
      if (householdId !== undefined && /^(Household|Premium|Policy)/.test(event.type)) touched.add(householdId);
      if (event.type === 'ProductPublished') {
        // Every eligible household becomes uncovered for a new product (a rare event: they are all loaded).
        // An upgraded database may know the product already (filled from the catalogue at open).
        if (!(await sets.products.get({ productId: event.data.productId }))) {
          await sets.products.insert({ productId: event.data.productId });
          productIds.push(event.data.productId);
        }
        for (const household of await sets.households.where('eligible', true)) touched.add(household.householdId);
      }
      if (recorded === events[events.length - 1]) await keepUncovered(sets, productIds, touched);
    });
  }
}

/** Sets each touched household's uncovered rows, one per known product, from its row and funding. */
async function keepUncovered({ households, funding, uncovered }: Tables, productIds: readonly string[], touched: ReadonlySet<string>): Promise<void> {
  await funding.load('householdId', touched);
  await uncovered.load('householdId', touched);
  for (const householdId of touched) {
    const household = await households.get({ householdId });
    const rounds = await funding.where('householdId', householdId);
    for (const productId of productIds) {
      const round = rounds.find((row) => row.productId === productId);
      const blocked = round !== undefined && (round.activePolicyId !== null || round.status === 'funded' || round.status === 'covered');
      const kept = await uncovered.get({ productId, householdId });
      if (!household?.eligible || household.verifiedPosition === null || blocked) {
        if (kept) await uncovered.delete({ productId, householdId });
        continue;
      }
      const row: UncoveredHouseholdRow = {
        productId,
        householdId,
        countyCode: household.countyCode,
        verifiedPosition: household.verifiedPosition,
        householdCode: household.householdCode,
        villageCode: household.villageCode,
        category: household.category,
        size: household.size,
      };
      if (!kept) await uncovered.insert(row);
      else if (!sameRow(kept, row)) uncovered.change(kept, row);
    }
  }
}

async function prefetch({ households, funding }: Tables, events: readonly PangolinEvent[]): Promise<void> {
  const householdOf = (event: PangolinEvent) => (event.data as { householdId?: string }).householdId;
  await households.load('householdId', keysIn(events, (event) => (event.type.startsWith('Household') ? householdOf(event) : undefined)));
  await funding.load('householdId', keysIn(events, (event) => (event.type.startsWith('Premium') || event.type.startsWith('Policy') ? householdOf(event) : undefined)));
}

async function applyEvent({ households, funding }: Tables, event: PangolinEvent, recorded: RecordedEvent, keys: ReadonlyMap<string, Buffer>): Promise<void> {
  switch (event.type) {
    case 'HouseholdRegistered': {
      const d = event.data;
      const { county, town, village } = ancestry(d.villageCode);
      const key = keys.get(d.householdId);
      // A household whose key is gone keeps no personal data; a key that does not open them is corruption: it throws.
      const personal = key ? openPersonalData(d.personal, key, d.householdId) : null;
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
      const { householdId } = event.data;
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
    case 'PremiumContributionAccepted':
    case 'PremiumFullyFunded': {
      const d = event.data;
      const progress =
        event.type === 'PremiumFullyFunded'
          ? { funded: d.premium.amount, status: 'funded' as const, updatedAt: event.data.fundedAt }
          : { funded: event.data.fundedTotal.amount, status: 'funding' as const, updatedAt: event.data.acceptedAt };
      await saveFunding(funding, d.householdId, d.productId, { round: d.round, policyId: d.policyId, premium: d.premium.amount, currency: d.premium.currency, ...progress });
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

function sameRow(a: UncoveredHouseholdRow, b: UncoveredHouseholdRow): boolean {
  return (Object.keys(b) as (keyof UncoveredHouseholdRow)[]).every((column) => a[column] === b[column]);
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
