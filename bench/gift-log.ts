/**
 * A realistic log for the benchmarks that project it: per household, the life of a gift as the
 * deciders write it (registered with sealed personal data, verified, a gift pledged and paid, the
 * premium contributed, allocated and funded, the policy requested and issued, a claim filed,
 * approved and paid), 12 events, modelled on the read-model tests' story
 * (libs/read-models/src/testing/story.ts), spread over 40 villages, after one product.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sealPersonalData } from '@pangolin/application';
import { policyIdFor, type PangolinEvent } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import type { HouseholdKeys } from '@pangolin/read-models';

export const EVENTS_PER_HOUSEHOLD = 12;

const PRODUCT = 'prod-bench';
const INSURER = 'ins-bench';
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const at = (day: number) => new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString();
const keyOf = (householdId: string) => createHash('sha256').update(`bench key\u001f${householdId}`).digest();

function householdLife(index: number): PangolinEvent[] {
  const householdId = `hh-${index}`;
  const villageCode = `440305001${String(index % 40).padStart(3, '0')}`;
  const giftId = `gift-${index}`;
  const donorId = `donor-${index % 500}`;
  const policyId = policyIdFor(householdId, PRODUCT, 1);
  const premium = 5_000;
  const contributions = [{ giftId, amount: premium }];
  const personal = { headName: `Head ${index}`, headNationalId: `ID-${index}`, members: [], address: `Road ${index}, ${villageCode}` };
  return [
    { type: 'HouseholdRegistered', data: { householdId, householdCode: `HH-${villageCode}-${index}`, villageCode, registeredBy: '440305', category: 'low-income', size: 3, personal: sealPersonalData(personal, keyOf(householdId), householdId), registeredAt: at(0) } },
    { type: 'HouseholdEligibilityVerified', data: { householdId, category: 'low-income', verifiedBy: '440305', verifiedAt: at(1) } },
    { type: 'GiftPledged', data: { giftId, donorId, amount: cny(premium), target: { kind: 'household', householdId, productId: PRODUCT }, remainder: 'refund', pledgedAt: at(2) } },
    { type: 'GiftPaymentConfirmed', data: { giftId, donorId, paymentReference: `BANK-${giftId}`, amount: cny(premium), confirmedAt: at(3) } },
    { type: 'PremiumContributionAccepted', data: { householdId, productId: PRODUCT, round: 1, policyId, contributionId: `contribution-${index}`, giftId, amount: cny(premium), fundedTotal: cny(premium), premium: cny(premium), productVersion: 1, acceptedAt: at(4) } },
    { type: 'GiftAllocated', data: { giftId, allocationId: `allocation-${index}`, householdId, productId: PRODUCT, policyId, amount: cny(premium), allocatedAt: at(4) } },
    { type: 'PremiumFullyFunded', data: { householdId, productId: PRODUCT, productVersion: 1, round: 1, policyId, premium: cny(premium), contributions, fundedAt: at(4) } },
    { type: 'PolicyRequested', data: { policyId, householdId, productId: PRODUCT, productVersion: 1, insurerId: INSURER, premium: cny(premium), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365, contributions, requestedAt: at(5) } },
    { type: 'PolicyIssued', data: { policyId, householdId, insurerId: INSURER, policyNumber: `POL-${index}`, startDate: '2024-01-10', endDate: '2025-01-09', premium: cny(premium), contributions, issuedAt: at(6) } },
    { type: 'ClaimFiled', data: { policyId, claimId: `claim-${index}`, householdId, incidentDate: '2024-03-01', kind: 'illness', amountClaimed: cny(30_000), evidence: [], filedBy: { role: 'government', id: '440305' }, filedAt: at(70) } },
    { type: 'ClaimApproved', data: { policyId, claimId: `claim-${index}`, approvedAmount: cny(25_000), inFull: false, approvedBy: 'assessor-1', approvedAt: at(75) } },
    { type: 'ClaimPaid', data: { policyId, claimId: `claim-${index}`, householdId, insurerId: INSURER, amount: cny(25_000), payoutReference: `PAYOUT-${index}`, fundedBy: contributions, paidAt: at(80) } },
  ] as PangolinEvent[];
}

const productPublished = {
  type: 'ProductPublished',
  data: { productId: PRODUCT, insurerId: INSURER, version: 1, terms: { name: 'Bench cover', coverageKind: 'accident-illness', annualPremium: cny(5_000), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365 }, publishedAt: at(0) },
} as PangolinEvent;

const metadata = { actor: 'bench', correlationId: 'bench', causationId: 'bench', occurredAt: at(0), schemaVersion: 1 };
const newEvent = (event: PangolinEvent) => ({ eventId: randomBytes(12).toString('hex'), type: event.type, data: event.data, metadata });

/** The households a log of about `events` events holds (the product comes first). */
export function householdsFor(events: number): number {
  return Math.max(1, Math.floor((events - 1) / EVENTS_PER_HOUSEHOLD));
}

/** The log's first event: the product every household's policy is of. */
export async function appendProduct(store: EventStore): Promise<void> {
  await store.append(`product-${PRODUCT}`, 'any', [newEvent(productPublished)]);
}

/** Household `index`'s life, one append per stream run of events, as the command side would make them. */
export async function appendHousehold(store: EventStore, index: number): Promise<void> {
  const life = householdLife(index);
  const runs = [[0, 2, 'household'], [2, 4, 'gift'], [4, 5, 'funding'], [5, 6, 'gift'], [6, 7, 'funding'], [7, 12, 'policy']] as const;
  for (const [from, to, stream] of runs) await store.append(`${stream}-${index}`, 'any', life.slice(from, to).map(newEvent));
}

/** Appends the whole log of `households` households. */
export async function buildLog(store: EventStore, households: number): Promise<void> {
  await appendProduct(store);
  for (let index = 0; index < households; index++) await appendHousehold(store, index);
}

/** The households' data keys, as the records store would give them to the households projection. */
export const giftLogHouseholdKeys: HouseholdKeys = {
  keysOf: async (householdIds) => new Map(householdIds.map((householdId) => [householdId, keyOf(householdId)])),
};
