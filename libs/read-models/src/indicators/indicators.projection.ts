import type { EntityManager } from 'typeorm';
import { addDays, daysBetween, DEFAULT_SETTLEMENT_TARGET_DAYS, settlementTargetDaysOf, type PangolinEvent } from '@pangolin/domain';
import type { RecordedEvent } from '@pangolin/event-store';
import type { Projection } from '../projection';
import { applyThroughRowSets, keysIn, RowSet } from '../shared/row-set';
import { earnedPremium } from '../insurer-view/earned-premium';
import {
  CoverageMonthRow,
  IndicatorHouseholdRow,
  IndicatorMonthRow,
  IndicatorPolicyRow,
  IndicatorProductRow,
  PromptnessClaimRow,
  PromptnessDeclarationRow,
  type PromptnessOutcome,
} from './indicator-tables.entity';

/** A policy renews its predecessor (same household and product) when it starts at most this many days after the predecessor's end date. */
export const RENEWAL_WINDOW_DAYS = 30;

/** insurerId of the coverage rows that count cover by any insurer, and eligibility. */
export const ANY_INSURER = '';

const DAY_MS = 86_400_000;

type Tables = ReturnType<typeof tablesOf>;

function tablesOf(tx: EntityManager) {
  return {
    products: new RowSet(tx, IndicatorProductRow),
    households: new RowSet(tx, IndicatorHouseholdRow),
    policies: new RowSet(tx, IndicatorPolicyRow),
    claims: new RowSet(tx, PromptnessClaimRow),
    declarations: new RowSet(tx, PromptnessDeclarationRow),
    months: new RowSet(tx, IndicatorMonthRow),
    coverage: new RowSet(tx, CoverageMonthRow),
  };
}

/**
 * Settlement promptness and the openIMIS-style indicators (issue #13, items 3 and 5): one row per
 * claim and per declaration with the recorded times of its events (never a time a caller sent),
 * and the monthly aggregates the insurer's and the government's dashboards read (IndicatorMonthRow,
 * CoverageMonthRow), kept as events arrive so no request scans claims or policies. Applied a batch
 * at a time (see RowSet). A new projection: on an existing database it starts from an empty
 * checkpoint and catches up from the start of the log, so it needs no backfill.
 */
export class IndicatorsProjection implements Projection {
  readonly name = 'indicators';

  apply(event: RecordedEvent, tx: EntityManager): Promise<void> {
    return this.applyBatch([event], tx);
  }

  applyBatch(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    return applyThroughRowSets(tablesOf(tx), events, prefetch, applyEvent);
  }
}

/** A field of an event's data; none when the event carries no data (an event of a type it ignores then stays ignored). */
function field(event: PangolinEvent, name: string): string | undefined {
  return (event.data as Record<string, unknown> | null | undefined)?.[name] as string | undefined;
}

async function prefetch(tables: Tables, events: readonly PangolinEvent[]): Promise<void> {
  await tables.products.load('productId', keysIn(events, (event) => (event.type.startsWith('Product') || event.type === 'PolicyRequested' ? field(event, 'productId') : undefined)));
  await tables.households.load('householdId', keysIn(events, (event) => (event.type.startsWith('Household') || event.type.startsWith('Policy') ? field(event, 'householdId') : undefined)));
  await tables.policies.load('householdId', keysIn(events, (event) => (event.type.startsWith('Household') || event.type.startsWith('Policy') ? field(event, 'householdId') : undefined)));
  await tables.policies.load('policyId', keysIn(events, (event) => (event.type.startsWith('Claim') ? field(event, 'policyId') : undefined)));
  await tables.claims.load('claimId', keysIn(events, (event) => (event.type.startsWith('Claim') ? field(event, 'claimId') : undefined)));
  await tables.declarations.load('declarationId', keysIn(events, (event) => field(event, 'declarationId')));
  const villageCodes = await villagesTouched(tables, events);
  await tables.months.load('villageCode', villageCodes);
  await tables.coverage.load('villageCode', villageCodes);
}

/**
 * The villages whose monthly rows (months, coverage: keyed by village first) the batch may change,
 * from the rows just loaded and, for what this batch registers, requests or files, from its events:
 * loaded in one query per table, not one per village when first touched.
 */
async function villagesTouched({ households, policies, claims }: Tables, events: readonly PangolinEvent[]): Promise<string[]> {
  const ofHousehold = new Map<string, string>();
  const ofPolicy = new Map<string, string>();
  const ofClaim = new Map<string, string>();
  // Only rows loaded above are asked for (by the key they were loaded by), so none of these reads a row.
  const household = async (householdId: string) => ofHousehold.get(householdId) ?? (await households.get({ householdId }))?.villageCode;
  const policy = async (policyId: string) => ofPolicy.get(policyId) ?? (await policies.get({ policyId }))?.villageCode;
  const villages = new Set<string>();
  const add = (villageCode: string | undefined) => villageCode !== undefined && villages.add(villageCode);
  for (const event of events) {
    switch (event.type) {
      case 'HouseholdRegistered':
        ofHousehold.set(event.data.householdId, event.data.villageCode);
        break;
      case 'HouseholdEligibilityVerified':
      case 'HouseholdEligibilityRevoked':
        add(await household(event.data.householdId));
        break;
      case 'PolicyRequested': {
        const villageCode = await household(event.data.householdId);
        if (villageCode !== undefined) ofPolicy.set(event.data.policyId, villageCode);
        break;
      }
      case 'PolicyIssued':
      case 'PolicyCancelled':
      case 'PolicyExpired':
        add(await household(event.data.householdId));
        add(ofPolicy.get(event.data.policyId) ?? (await policies.where('householdId', event.data.householdId)).find(({ policyId }) => policyId === event.data.policyId)?.villageCode);
        break;
      case 'ClaimFiled': {
        const villageCode = await policy(event.data.policyId);
        if (villageCode !== undefined) ofClaim.set(event.data.claimId, villageCode);
        break;
      }
      case 'ClaimApproved':
      case 'ClaimRejected':
      case 'ClaimPaid':
        add(ofClaim.get(event.data.claimId) ?? (await claims.get({ claimId: event.data.claimId }))?.villageCode);
        break;
    }
  }
  return [...villages];
}

async function applyEvent(tables: Tables, event: PangolinEvent, recorded: RecordedEvent): Promise<void> {
  const at = recorded.metadata.occurredAt;
  const { products, households, policies, claims, declarations } = tables;
  switch (event.type) {
    case 'ProductPublished':
      await products.insert({ productId: event.data.productId, insurerId: event.data.insurerId, targetDays: settlementTargetDaysOf(event.data.terms) });
      return;
    case 'ProductRevised':
      await products.update({ productId: event.data.productId }, { targetDays: settlementTargetDaysOf(event.data.terms) });
      return;
    case 'HouseholdRegistered':
      await households.insert({ householdId: event.data.householdId, villageCode: event.data.villageCode, eligible: false });
      return;
    case 'HouseholdEligibilityVerified':
      await changeCoverage(tables, event.data.householdId, at, async () => households.update({ householdId: event.data.householdId }, { eligible: true }));
      return;
    case 'HouseholdEligibilityRevoked':
      await changeCoverage(tables, event.data.householdId, at, async () => households.update({ householdId: event.data.householdId }, { eligible: false }));
      return;
    case 'PolicyRequested': {
      const d = event.data;
      const household = await households.get({ householdId: d.householdId });
      if (!household) return;
      await policies.insert({
        policyId: d.policyId,
        householdId: d.householdId,
        productId: d.productId,
        insurerId: d.insurerId,
        villageCode: household.villageCode,
        currency: d.premium.currency,
        premium: d.premium.amount,
        termDays: d.termDays,
        status: 'requested',
        startDate: null,
        endDate: null,
        cancellationEffectiveDate: null,
        renewed: false,
      });
      return;
    }
    case 'PolicyIssued': {
      const { policyId, householdId, startDate, endDate } = event.data;
      const policy = await policies.get({ policyId });
      if (!policy) return;
      await changeCoverage(tables, householdId, at, async () => policies.change(policy, { status: 'active', startDate, endDate }));
      await addEarned(tables, policy, 1);
      await markRenewal(tables, policy);
      return;
    }
    case 'PolicyCancelled': {
      const { policyId, householdId, effectiveDate, wasIssued } = event.data;
      const policy = await policies.get({ policyId });
      if (!policy) return;
      if (!wasIssued) {
        policies.change(policy, { status: 'cancelled' });
        return;
      }
      await addEarned(tables, policy, -1);
      await changeCoverage(tables, householdId, at, async () => policies.change(policy, { status: 'cancelled', cancellationEffectiveDate: effectiveDate }));
      await addEarned(tables, policy, 1);
      return;
    }
    case 'PolicyExpired': {
      const policy = await policies.get({ policyId: event.data.policyId });
      if (!policy || policy.status !== 'active') return;
      await changeCoverage(tables, event.data.householdId, at, async () => policies.change(policy, { status: 'expired' }));
      await addToMonth(tables, policy, (policy.endDate ?? event.data.endDate).slice(0, 7), { policiesExpired: 1, policiesRenewed: policy.renewed ? 1 : 0 });
      return;
    }
    case 'ClaimFiled': {
      const d = event.data;
      const policy = await policies.get({ policyId: d.policyId });
      if (!policy) return;
      const declaration = d.declarationId ? await declarations.get({ declarationId: d.declarationId }) : undefined;
      const startedAt = declaration?.declaredAt ?? at;
      const targetDays = (await products.get({ productId: policy.productId }))?.targetDays ?? DEFAULT_SETTLEMENT_TARGET_DAYS;
      await claims.insert({
        claimId: d.claimId,
        policyId: d.policyId,
        insurerId: policy.insurerId,
        productId: policy.productId,
        villageCode: policy.villageCode,
        currency: d.amountClaimed.currency,
        declarationId: d.declarationId ?? null,
        startedAt,
        targetDays,
        dueAt: dueAfter(startedAt, targetDays),
        decidedAt: null,
        paidAt: null,
        settledAt: null,
        state: 'filed',
        outcome: 'open',
      });
      return;
    }
    case 'ClaimApproved': {
      const claim = await claims.get({ claimId: event.data.claimId });
      if (!claim) return;
      claims.change(claim, { state: 'approved', decidedAt: at });
      await addToMonth(tables, claim, at.slice(0, 7), { claimsApproved: event.data.approvedAmount.amount, decisions: 1, decisionSeconds: secondsBetween(claim.startedAt, at) });
      return;
    }
    case 'ClaimRejected': {
      const claim = await claims.get({ claimId: event.data.claimId });
      if (!claim) return;
      claims.change(claim, { state: 'rejected', decidedAt: at });
      await addToMonth(tables, claim, at.slice(0, 7), { decisions: 1, decisionSeconds: secondsBetween(claim.startedAt, at) });
      await settleClaim(tables, claim, at);
      return;
    }
    case 'ClaimPaid': {
      const claim = await claims.get({ claimId: event.data.claimId });
      if (!claim) return;
      claims.change(claim, { state: 'paid', paidAt: at });
      await addToMonth(tables, claim, at.slice(0, 7), { claimsPaid: event.data.amount.amount, payments: 1, paymentSeconds: secondsBetween(claim.startedAt, at) });
      await settleClaim(tables, claim, at);
      return;
    }
    case 'DisasterDeclared':
      await declarations.insert({
        declarationId: event.data.declarationId,
        declaredBy: event.data.declaredBy,
        declaredAt: at,
        targetDays: DEFAULT_SETTLEMENT_TARGET_DAYS,
        dueAt: dueAfter(at, DEFAULT_SETTLEMENT_TARGET_DAYS),
        confirmedAt: null,
        decidedAt: null,
        paidAt: null,
        settledAt: null,
        outcome: 'open',
      });
      return;
    case 'DisasterDeclarationConfirmed': {
      const declaration = await declarations.get({ declarationId: event.data.declarationId });
      if (!declaration || declaration.confirmedAt) {
        if (declaration && !declaration.decidedAt) declarations.change(declaration, { decidedAt: at });
        return;
      }
      // The target is fixed by the first confirmation: the smallest of the targets of the products it names.
      const targets: number[] = [];
      for (const productId of event.data.productIds) {
        const product = await products.get({ productId });
        if (product) targets.push(product.targetDays);
      }
      const targetDays = targets.length ? Math.min(...targets) : declaration.targetDays;
      declarations.change(declaration, { confirmedAt: at, decidedAt: declaration.decidedAt ?? at, targetDays, dueAt: dueAfter(declaration.declaredAt, targetDays) });
      return;
    }
    case 'DisasterDeclarationDisputed': {
      const declaration = await declarations.get({ declarationId: event.data.declarationId });
      if (!declaration) return;
      declarations.change(declaration, { decidedAt: declaration.decidedAt ?? at });
      // Disputed before anyone confirmed: the government has its answer.
      if (!declaration.confirmedAt && !declaration.settledAt) declarations.change(declaration, { settledAt: at, outcome: outcomeOf(declaration.dueAt, at) });
      return;
    }
    case 'DisasterPayoutsCompleted': {
      const declaration = await declarations.get({ declarationId: event.data.declarationId });
      if (!declaration || declaration.paidAt) return;
      declarations.change(declaration, { paidAt: at });
      if (!declaration.settledAt) declarations.change(declaration, { settledAt: at, outcome: outcomeOf(declaration.dueAt, at) });
      return;
    }
  }
}

/** The ISO time `days` days after `start`. */
function dueAfter(start: string, days: number): string {
  return new Date(Date.parse(start) + days * DAY_MS).toISOString();
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 1000));
}

function outcomeOf(dueAt: string, settledAt: string): PromptnessOutcome {
  return Date.parse(settledAt) <= Date.parse(dueAt) ? 'on-time' : 'late';
}

async function settleClaim(tables: Tables, claim: PromptnessClaimRow, at: string): Promise<void> {
  if (claim.settledAt) return;
  const outcome = outcomeOf(claim.dueAt, at);
  tables.claims.change(claim, { settledAt: at, outcome });
  await addToMonth(tables, claim, at.slice(0, 7), { claimsSettled: 1, claimsSettledOnTime: outcome === 'on-time' ? 1 : 0 });
}

type MonthFigure = Exclude<keyof IndicatorMonthRow, 'villageCode' | 'productId' | 'month' | 'currency' | 'insurerId'>;

async function addToMonth(
  { months }: Tables,
  { villageCode, productId, currency, insurerId }: Pick<IndicatorMonthRow, 'villageCode' | 'productId' | 'currency' | 'insurerId'>,
  month: string,
  delta: Partial<Record<MonthFigure, number>>,
): Promise<void> {
  const key = { villageCode, productId, month, currency };
  const row = await months.get(key);
  if (row) {
    months.change(row, Object.fromEntries(Object.entries(delta).map(([figure, by]) => [figure, row[figure as MonthFigure] + (by ?? 0)])));
    return;
  }
  const zero: Record<MonthFigure, number> = { earnedPremium: 0, claimsApproved: 0, claimsPaid: 0, policiesExpired: 0, policiesRenewed: 0, claimsSettled: 0, claimsSettledOnTime: 0, decisions: 0, decisionSeconds: 0, payments: 0, paymentSeconds: 0 };
  await months.insert({ ...key, insurerId, ...zero, ...delta });
}

/**
 * An issued policy's earned premium per calendar month (YYYY-MM): earnedPremium at the start of
 * the next month less at the start of the month, so the months add up to earnedPremium's figure at
 * any month's end, floored per policy as it floors.
 */
export function earnedByMonth(policy: Pick<IndicatorPolicyRow, 'premium' | 'startDate' | 'termDays' | 'cancellationEffectiveDate'>): Map<string, number> {
  const earned = new Map<string, number>();
  if (!policy.startDate) return earned;
  const end = addDays(policy.startDate, policy.termDays);
  let first = `${policy.startDate.slice(0, 7)}-01`;
  // What was earned at the start of each month is computed once: it ends one month and starts the next.
  let earnedAtFirst = earnedPremium(policy, first);
  while (first <= end) {
    const next = firstOfNextMonth(first);
    const earnedAtNext = earnedPremium(policy, next);
    const amount = earnedAtNext - earnedAtFirst;
    if (amount !== 0) earned.set(first.slice(0, 7), amount);
    first = next;
    earnedAtFirst = earnedAtNext;
  }
  return earned;
}

function firstOfNextMonth(firstOfMonth: string): string {
  const year = Number(firstOfMonth.slice(0, 4));
  const month = Number(firstOfMonth.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

async function addEarned(tables: Tables, policy: IndicatorPolicyRow, sign: 1 | -1): Promise<void> {
  for (const [month, amount] of earnedByMonth(policy)) await addToMonth(tables, policy, month, { earnedPremium: sign * amount });
}

/**
 * A policy just issued renews the household's latest policy of the same product that ended at most
 * RENEWAL_WINDOW_DAYS before it starts (or has not ended yet) and started before it; the renewal
 * counts in the month of that policy's end once it has expired (see PolicyExpired).
 */
async function markRenewal(tables: Tables, policy: IndicatorPolicyRow): Promise<void> {
  const start = policy.startDate!;
  const previous = (await tables.policies.where('householdId', policy.householdId))
    .filter((other) => other.policyId !== policy.policyId && other.productId === policy.productId && !other.renewed && (other.status === 'active' || other.status === 'expired'))
    .filter((other) => other.startDate! < start && daysBetween(other.endDate!, start) <= RENEWAL_WINDOW_DAYS)
    .sort((a, b) => (a.endDate! < b.endDate! ? 1 : a.endDate! > b.endDate! ? -1 : a.policyId < b.policyId ? 1 : -1))[0];
  if (!previous) return;
  tables.policies.change(previous, { renewed: true });
  if (previous.status === 'expired') await addToMonth(tables, previous, previous.endDate!.slice(0, 7), { policiesRenewed: 1 });
}

/** What a household counts for: eligible, and covered by which insurers (an issued policy in force). */
async function coverageOf({ households, policies }: Tables, householdId: string): Promise<{ villageCode: string; eligible: boolean; insurers: Set<string> } | undefined> {
  const household = await households.get({ householdId });
  if (!household) return undefined;
  const insurers = new Set((await policies.where('householdId', householdId)).filter((policy) => policy.status === 'active').map((policy) => policy.insurerId));
  return { villageCode: household.villageCode, eligible: household.eligible, insurers };
}

/** Makes a change to a household or its policies, and records in the month of `at` how its eligibility and cover changed. */
async function changeCoverage(tables: Tables, householdId: string, at: string, change: () => Promise<unknown> | unknown): Promise<void> {
  const before = await coverageOf(tables, householdId);
  await change();
  const after = await coverageOf(tables, householdId);
  if (!before || !after) return;
  const counts = (state: typeof before) => {
    const result = new Map<string, { eligible: number; covered: number }>([[ANY_INSURER, { eligible: state.eligible ? 1 : 0, covered: state.eligible && state.insurers.size > 0 ? 1 : 0 }]]);
    for (const insurerId of state.insurers) result.set(insurerId, { eligible: 0, covered: state.eligible ? 1 : 0 });
    return result;
  };
  const was = counts(before);
  const is = counts(after);
  const month = at.slice(0, 7);
  for (const insurerId of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    const eligible = (is.get(insurerId)?.eligible ?? 0) - (was.get(insurerId)?.eligible ?? 0);
    const covered = (is.get(insurerId)?.covered ?? 0) - (was.get(insurerId)?.covered ?? 0);
    if (eligible === 0 && covered === 0) continue;
    const key = { villageCode: after.villageCode, insurerId, month };
    const row = await tables.coverage.get(key);
    if (row) tables.coverage.change(row, { eligible: row.eligible + eligible, covered: row.covered + covered });
    else await tables.coverage.insert({ ...key, eligible, covered });
  }
}
