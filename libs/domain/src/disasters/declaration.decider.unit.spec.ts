import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { money } from '../shared/money';
import { DeclareDisaster } from './commands';
import { disasterDecider } from './declaration.decider';
import { DisasterEvent, DisasterPayout } from './events';

const spec = deciderSpecification(disasterDecider);
const now = '2026-07-20T08:00:00.000Z';
const declarationId = 'decl-1';
const declare = (overrides: Partial<DeclareDisaster['data']> = {}): DeclareDisaster => ({
  type: 'DeclareDisaster',
  data: {
    declarationId, governmentRegion: '440305', peril: 'flood', regionCodes: ['440305001'], incidentFrom: '2026-07-10', incidentTo: '2026-07-12',
    severity: 2, authorityReference: '深应急〔2026〕12号', now, ...overrides,
  },
});
const declared: DisasterEvent = {
  type: 'DisasterDeclared',
  data: { declarationId, declaredBy: '440305', peril: 'flood', regionCodes: ['440305001'], incidentFrom: '2026-07-10', incidentTo: '2026-07-12', severity: 2, authorityReference: '深应急〔2026〕12号', declaredAt: now },
};
const confirmed: DisasterEvent = { type: 'DisasterDeclarationConfirmed', data: { declarationId, insurerId: 'ins-1', productIds: ['prod-1'], paymentFileReference: 'PAY-7', confirmedAt: now } };
const payout = (policyId: string): DisasterPayout => ({ policyId, householdId: `hh-${policyId}`, claimId: `cl-${policyId}`, amount: money(50_000, 'CNY'), payoutReference: 'PAY-7-1' });
const batch = (batchNumber: number, policies: string[]): DisasterEvent => ({
  type: 'DisasterPayoutBatchRecorded',
  data: { declarationId, insurerId: 'ins-1', batchNumber, payouts: policies.map(payout), recordedAt: now },
});
const recordBatch = (batchNumber: number, policies: string[]) => ({
  type: 'RecordDisasterPayoutBatch' as const,
  data: { declarationId, insurerId: 'ins-1', batchNumber, payouts: policies.map(payout), now },
});

describe('disaster declaration decider', () => {
  describe('DeclareDisaster', () => {
    it('declares a disaster in a town of the government\'s county', () => spec.given([]).when(declare()).then([declared]));
    it('refuses a region outside the government\'s region', () =>
      spec.given([]).when(declare({ regionCodes: ['440306001'] })).thenThrows(Forbidden, /region 440306001 is outside your region 440305/));
    it('refuses an incident ending after today by the server clock', () =>
      spec.given([]).when(declare({ incidentTo: '2026-07-21' })).thenThrows(InvalidCommand, /^incidentTo must not be after today \(2026-07-20\)/));
    it('refuses dates that are not calendar dates, or a range ending before it starts', () => {
      spec.given([]).when(declare({ incidentFrom: '2026-02-30' })).thenThrows(InvalidCommand, /^incidentFrom must be a calendar date/);
      spec.given([]).when(declare({ incidentTo: '2026-07-09' })).thenThrows(InvalidCommand, /^incidentTo must not be before incidentFrom/);
    });
    it('refuses an unknown peril, a severity out of range, no region, overlapping regions and an empty reference', () => {
      spec.given([]).when(declare({ peril: 'meteor' as never })).thenThrows(InvalidCommand, /^peril must be one of/);
      spec.given([]).when(declare({ severity: 5 as never })).thenThrows(InvalidCommand, /^severity/);
      spec.given([]).when(declare({ regionCodes: [] })).thenThrows(InvalidCommand, /^regionCodes must list 1 to 50/);
      spec.given([]).when(declare({ regionCodes: ['440305001', '440305001001'] })).thenThrows(InvalidCommand, /^regionCodes\[1\] must not repeat or lie within/);
      spec.given([]).when(declare({ regionCodes: ['440305001', '440305001'] })).thenThrows(InvalidCommand, /^regionCodes\[1\]/);
      spec.given([]).when(declare({ authorityReference: ' ' })).thenThrows(InvalidCommand, /^authorityReference/);
    });
    it('refuses the same declaration twice', () => spec.given([declared]).when(declare()).thenThrows(Conflict, /already made/));
  });

  describe('answers of the insurers', () => {
    const confirm = (coveringProductIds = ['prod-1']) => ({ type: 'ConfirmDisasterDeclaration' as const, data: { declarationId, insurerId: 'ins-1', coveringProductIds, paymentFileReference: 'PAY-7', now } });
    const dispute = (reason = 'rain gauge shows 40 mm only') => ({ type: 'DisputeDisasterDeclaration' as const, data: { declarationId, insurerId: 'ins-1', coveringProductIds: ['prod-1'], reason, now } });
    it('confirms, naming the products that pay', () => spec.given([declared]).when(confirm()).then([confirmed]));
    it('confirms once: a second confirmation does nothing', () => spec.given([declared, confirmed]).when(confirm()).thenNothingHappens());
    it('is none of an insurer\'s business without a product covering the peril', () => spec.given([declared]).when(confirm([])).thenThrows(Forbidden, /no parametric product covering flood/));
    it('is not found before it is declared', () => spec.given([]).when(confirm()).thenThrows(NotFound, /declaration decl-1/));
    it('disputes with a reason, and then cannot confirm', () => {
      const disputed: DisasterEvent = { type: 'DisasterDeclarationDisputed', data: { declarationId, insurerId: 'ins-1', reason: 'rain gauge shows 40 mm only', disputedAt: now } };
      spec.given([declared]).when(dispute()).then([disputed]);
      spec.given([declared, disputed]).when(confirm()).thenThrows(Conflict, /you disputed/);
      spec.given([declared]).when(dispute('')).thenThrows(InvalidCommand, /^reason/);
      spec.given([declared, confirmed]).when(dispute()).thenThrows(Conflict, /already confirmed/);
    });
  });

  describe('payout batches', () => {
    it('records a batch once the insurer confirmed', () => spec.given([declared, confirmed]).when(recordBatch(0, ['p1', 'p2'])).then([batch(0, ['p1', 'p2'])]));
    it('refuses a batch for an insurer that has not confirmed', () => spec.given([declared]).when(recordBatch(0, ['p1'])).thenThrows(Conflict, /has not confirmed/));
    it('records a policy once: a redelivered batch records nothing, an overlapping one only the policies not yet paid', () => {
      spec.given([declared, confirmed, batch(0, ['p1', 'p2'])]).when(recordBatch(0, ['p1', 'p2'])).thenNothingHappens();
      spec.given([declared, confirmed, batch(0, ['p1', 'p2'])]).when(recordBatch(1, ['p2', 'p3', 'p3'])).then([batch(1, ['p3'])]);
    });
    it('completes with the count and amount paid, once', () => {
      const complete = { type: 'CompleteDisasterPayouts' as const, data: { declarationId, insurerId: 'ins-1', now } };
      const completed: DisasterEvent = { type: 'DisasterPayoutsCompleted', data: { declarationId, insurerId: 'ins-1', policiesPaid: 3, amountPaid: money(150_000, 'CNY'), completedAt: now } };
      spec.given([declared, confirmed, batch(0, ['p1', 'p2']), batch(1, ['p3'])]).when(complete).then([completed]);
      spec.given([declared, confirmed, batch(0, ['p1', 'p2']), batch(1, ['p3']), completed]).when(complete).thenNothingHappens();
    });
  });
});
