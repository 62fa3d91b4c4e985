import type { DataSource } from 'typeorm';
import type { PangolinEvent } from '@pangolin/domain';
import { SqliteEventStore } from '@pangolin/event-store';
import { ProjectionRunner } from './projection-runner';
import { allProjections, readModelEntities } from './registry';
import { ProjectionCheckpoint } from './checkpoint.entity';
import { appendAll, recordedEvents } from './testing/recorded-events';
import { INSURER, PRODUCT, PROGRAMME, REGION, policyOf, storyEvents, storyHouseholdKeys } from './testing/story';
import { openTestReadStore } from './testing/test-read-store';

const at = (date: string) => `${date}T12:00:00.000Z`;

/**
 * The story, then the events it lacks that change or remove rows already written in the same batch:
 * a revision and retirement, a closed programme, a revoked and an erased household, an expired and
 * a withdrawn pledge, an expired policy, a funding round reopened.
 */
const history: PangolinEvent[] = [
  ...storyEvents,
  { type: 'ProductRevised', data: { productId: PRODUCT, insurerId: INSURER, version: 2, terms: { name: 'Revised cover', coverageKind: 'accident-illness', annualPremium: { amount: 6_000, currency: 'CNY' }, sumInsured: { amount: 2_000_000, currency: 'CNY' }, waitingPeriodDays: 30, termDays: 365 }, revisedAt: at('2024-09-01') } },
  { type: 'ProductRetired', data: { productId: PRODUCT, insurerId: INSURER, version: 2, retiredAt: at('2024-12-01') } },
  { type: 'ProgrammeClosed', data: { programmeId: PROGRAMME, reason: 'year over', closedAt: at('2024-12-31') } },
  { type: 'HouseholdEligibilityRevoked', data: { householdId: 'hh-5', reason: 'moved away', revokedBy: REGION.county, revokedAt: at('2024-09-02') } },
  { type: 'HouseholdPersonalDataErased', data: { householdId: 'hh-4', erasedBy: REGION.county, reason: 'asked to be forgotten', erasedAt: at('2024-09-03') } },
  { type: 'GiftPledgeExpired', data: { giftId: 'gift-5', donorId: 'donor-e', amount: { amount: 700, currency: 'CNY' }, expiredAt: at('2024-09-04') } },
  { type: 'GiftPledged', data: { giftId: 'gift-6', donorId: 'donor-f', amount: { amount: 900, currency: 'CNY' }, target: { kind: 'household', householdId: 'hh-5', productId: PRODUCT }, remainder: 'refund', pledgedAt: at('2024-09-05') } },
  { type: 'GiftPledgeWithdrawn', data: { giftId: 'gift-6', donorId: 'donor-f', amount: { amount: 900, currency: 'CNY' }, withdrawnAt: at('2024-09-06') } },
  { type: 'PolicyExpired', data: { policyId: policyOf('hh-2'), householdId: 'hh-2', productId: PRODUCT, endDate: '2024-12-31', expiredAt: at('2025-01-01') } },
  { type: 'PremiumFundingReopened', data: { householdId: 'hh-3', productId: PRODUCT, round: 3, reason: 'the policy request was refused', reopenedAt: at('2025-01-02') } },
];

/** Every read-model row (but the checkpoints' timestamps), table by table, in a stable order. */
async function everyRow(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const entity of readModelEntities) {
    const metadata = dataSource.getMetadata(entity);
    const rows = await dataSource.getRepository(entity).find({ select: Object.fromEntries(metadata.columns.map(({ propertyName }) => [propertyName, true])) as never });
    const comparable = entity === ProjectionCheckpoint ? rows.map(({ name, position }) => ({ name, position })) : rows;
    tables[metadata.tableName] = comparable.map((row) => JSON.stringify(row, (_, value) => (typeof value === 'bigint' ? `${value}n` : value))).sort();
  }
  return tables;
}

async function projectedWithBatchesOf(batchSize: number): Promise<Record<string, unknown[]>> {
  const store = SqliteEventStore.open(':memory:', { pollIntervalMs: 5 });
  const { dataSource, drop } = await openTestReadStore();
  try {
    await appendAll(store, recordedEvents(history));
    const runner = new ProjectionRunner(store, dataSource, allProjections(storyHouseholdKeys), { retryDelayMs: 1, batchSize });
    await runner.start();
    await runner.caughtUpTo(await store.headPosition());
    await runner.stop();
    return await everyRow(dataSource);
  } finally {
    await drop();
    await store.close();
  }
}

describe('projections applied a batch at a time', () => {
  it('leave every read model exactly as applying the events one at a time does, events of one batch depending on each other', async () => {
    const oneByOne = await projectedWithBatchesOf(1);
    expect(oneByOne.households.length).toBe(5);
    expect(oneByOne.household_funding.length).toBeGreaterThan(0);
    for (const batchSize of [history.length, 7]) expect(await projectedWithBatchesOf(batchSize)).toEqual(oneByOne);
    expect(oneByOne.dashboard_village_counts.length).toBeGreaterThan(0);
    expect(oneByOne.ledger_posting_gifts.length).toBeGreaterThan(0);
    expect(oneByOne.ledger_totals.length).toBeGreaterThan(0);
    expect(oneByOne.dashboard_village_claims.length).toBeGreaterThan(0);
    expect(oneByOne.public_totals.length).toBeGreaterThan(0);
    expect(oneByOne.public_reach.length).toBeGreaterThan(0);
    expect(oneByOne.public_members.length).toBeGreaterThan(0);
    expect(oneByOne.uncovered_households.length).toBeGreaterThan(0);
    expect(oneByOne.uncovered_products.length).toBeGreaterThan(0);
    expect(oneByOne.indicator_months.length).toBeGreaterThan(0);
    expect(oneByOne.coverage_months.length).toBeGreaterThan(0);
    expect(oneByOne.promptness_claims.length).toBeGreaterThan(0);
    // Three projections of the story, each into fresh tables: on PostgreSQL about 4 s, more on a busy machine.
  }, 30_000);
});
