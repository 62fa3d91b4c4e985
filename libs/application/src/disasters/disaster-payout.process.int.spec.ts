import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disasterDecider, eventData, isEventOfType, money, policyDecider, productDecider, streams } from '@pangolin/domain';
import { EventStore, RecordedEvent, SqliteEventStore } from '@pangolin/event-store';
import { ActingContext, executeCommand } from '../command-executor';
import { CoveredPolicy, DisasterPayoutProcess } from './disaster-payout.process';

const productId = 'prod-flood';
const declarationId = 'decl-1';
const acting: ActingContext = { actor: 'test', correlationId: 'c', causationId: 'c' };
const now = () => '2026-03-15T09:00:00.000Z';
const policies: CoveredPolicy[] = Array.from({ length: 7 }, (_, i) => ({ policyId: `policy-${i}`, householdId: `hh-${i}`, productId, productVersion: 1 }));

class Killed extends Error {}

/** The store, dying (like a SIGKILL) right after the `killAfter`-th claim is paid. */
function dyingAfter(store: EventStore, killAfter: number): EventStore {
  let paid = 0;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          if (args[2].some((event) => event.type === 'ClaimPaid') && ++paid === killAfter) throw new Killed(`killed after ${killAfter} payouts`);
          return result;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('disaster payout process', () => {
  let directory: string;
  let store: SqliteEventStore;
  let confirmation: RecordedEvent;
  const readModel = { policiesInArea: async () => policies };

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'pangolin-disaster-payouts-'));
    store = SqliteEventStore.open(join(directory, 'events.sqlite'));
    const terms = {
      name: 'Flood index cover', coverageKind: 'property' as const, annualPremium: money(3_000, 'CNY'), sumInsured: money(1_000_000, 'CNY'), waitingPeriodDays: 0, termDays: 365,
      parametric: { perils: ['flood' as const], rule: 'fixed' as const, amount: money(50_000, 'CNY') },
    };
    await executeCommand(store, productDecider, streams.product(productId), { type: 'PublishProduct', data: { productId, insurerId: 'ins-1', terms, now: now() } }, acting);
    for (const { policyId, householdId } of policies) {
      await executeCommand(store, policyDecider, streams.policy(policyId), {
        type: 'RequestPolicy',
        data: {
          policyId, householdId, productId, productVersion: 1, insurerId: 'ins-1', premium: money(3_000, 'CNY'), sumInsured: money(1_000_000, 'CNY'), waitingPeriodDays: 0, termDays: 365,
          contributions: [{ giftId: `gift-${householdId}`, amount: 3_000 }], fundedAt: '2026-01-01T08:00:00.000Z', now: '2026-01-01T08:00:00.000Z',
        },
      }, acting);
      await executeCommand(store, policyDecider, streams.policy(policyId), {
        type: 'IssuePolicy', data: { policyId, insurerId: 'ins-1', policyNumber: `ANX-${policyId}`, startDate: '2026-01-01', startWindowDays: 30, now: '2026-01-01T09:00:00.000Z' },
      }, acting);
    }
    const stream = streams.disasterDeclaration(declarationId);
    await executeCommand(store, disasterDecider, stream, {
      type: 'DeclareDisaster',
      data: { declarationId, governmentRegion: '440305', peril: 'flood', regionCodes: ['440305001'], incidentFrom: '2026-03-10', incidentTo: '2026-03-12', severity: 3, authorityReference: 'REF-7', now: now() },
    }, acting);
    const confirmed = await executeCommand(store, disasterDecider, stream, {
      type: 'ConfirmDisasterDeclaration', data: { declarationId, insurerId: 'ins-1', coveringProductIds: [productId], paymentFileReference: 'PAYFILE', now: now() },
    }, acting);
    [confirmation] = await store.readAll({ after: confirmed.position - 1n, limit: 1 });
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('pays every policy once in batches, also when the confirmation is delivered again after a crash in the middle of the batches', async () => {
    // Batches of 3: the crash comes after the first batch is recorded and in the middle of the second.
    await expect(new DisasterPayoutProcess(dyingAfter(store, 5), readModel, now, 3).handle(confirmation)).rejects.toBeInstanceOf(Killed);
    const declarationBefore = await store.readStream(streams.disasterDeclaration(declarationId));
    expect(declarationBefore.filter(({ type }) => type === 'DisasterPayoutBatchRecorded')).toHaveLength(1);

    // Redelivered: once after the crash, and once more after it completed.
    await new DisasterPayoutProcess(store, readModel, now, 3).handle(confirmation);
    const headAfterRetry = await store.headPosition();
    await new DisasterPayoutProcess(store, readModel, now, 3).handle(confirmation);
    expect(await store.headPosition()).toBe(headAfterRetry);

    for (const { policyId } of policies) {
      const paid = (await store.readStream(streams.policy(policyId))).filter((event) => isEventOfType(event, 'ClaimPaid'));
      expect(paid.map(({ data }) => data.amount)).toEqual([money(50_000, 'CNY')]);
    }
    const declaration = await store.readStream(streams.disasterDeclaration(declarationId));
    const batches = declaration.filter((event) => isEventOfType(event, 'DisasterPayoutBatchRecorded')).map(({ data }) => data);
    expect(batches.map(({ batchNumber, payouts }) => [batchNumber, payouts.map(({ policyId }) => policyId), payouts.map(({ payoutReference }) => payoutReference)])).toEqual([
      [1, ['policy-0', 'policy-1', 'policy-2'], ['PAYFILE-1', 'PAYFILE-1', 'PAYFILE-1']],
      [2, ['policy-3', 'policy-4', 'policy-5'], ['PAYFILE-2', 'PAYFILE-2', 'PAYFILE-2']],
      [3, ['policy-6'], ['PAYFILE-3']],
    ]);
    const completed = declaration.filter(({ type }) => type === 'DisasterPayoutsCompleted').map(({ data }) => data);
    expect(completed).toEqual([expect.objectContaining({ policiesPaid: 7, amountPaid: money(350_000, 'CNY') })]);
  });

  it('pays nothing for a policy the disaster does not reach, and goes on with the others', async () => {
    const outsidePeriod = { policyId: 'policy-late', householdId: 'hh-late', productId, productVersion: 1 };
    await executeCommand(store, policyDecider, streams.policy(outsidePeriod.policyId), {
      type: 'RequestPolicy',
      data: {
        policyId: outsidePeriod.policyId, householdId: 'hh-late', productId, productVersion: 1, insurerId: 'ins-1', premium: money(3_000, 'CNY'), sumInsured: money(1_000_000, 'CNY'),
        waitingPeriodDays: 0, termDays: 365, contributions: [{ giftId: 'gift-late', amount: 3_000 }], fundedAt: '2026-03-13T08:00:00.000Z', now: '2026-03-13T08:00:00.000Z',
      },
    }, acting);
    await executeCommand(store, policyDecider, streams.policy(outsidePeriod.policyId), {
      type: 'IssuePolicy', data: { policyId: outsidePeriod.policyId, insurerId: 'ins-1', policyNumber: 'ANX-late', startDate: '2026-03-13', startWindowDays: 30, now: '2026-03-13T09:00:00.000Z' },
    }, acting);
    await new DisasterPayoutProcess(store, { policiesInArea: async () => [outsidePeriod, ...policies.slice(0, 2)] }, now).handle(confirmation);
    expect((await store.readStream(streams.policy(outsidePeriod.policyId))).some(({ type }) => type.startsWith('Claim'))).toBe(false);
    const [batch] = (await store.readStream(streams.disasterDeclaration(declarationId))).filter(({ type }) => type === 'DisasterPayoutBatchRecorded');
    expect(eventData(batch, 'DisasterPayoutBatchRecorded').payouts.map(({ policyId }) => policyId)).toEqual(['policy-0', 'policy-1']);
  });
});
