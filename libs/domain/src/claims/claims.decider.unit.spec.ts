import { PolicyEvent } from '../policies/events';
import { PolicyStreamEvent, remainingCover } from '../policies/policy.decider';
import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, DomainError, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { money } from '../shared/money';
import { claimsDecider } from './claims.decider';
import { ApproveClaim, ClaimCommand, FileClaim, PayClaim } from './commands';
import { ClaimEvent, ClaimFiler } from './events';

const spec = deciderSpecification(claimsDecider);
const now = '2025-03-01T08:00:00.000Z';
const afterCover = '2026-01-05T08:00:00.000Z';
const cny = (amount: number) => money(amount, 'CNY');
const policyId = 'policy-1';
const contributions = [
  { giftId: 'gift-a', amount: 3_000 },
  { giftId: 'gift-b', amount: 2_000 },
];
const requested: PolicyEvent = {
  type: 'PolicyRequested',
  data: {
    policyId, householdId: 'hh-1', productId: 'prod-1', productVersion: 1, insurerId: 'ins-1',
    premium: cny(5_000), sumInsured: cny(1_000_000), waitingPeriodDays: 30, termDays: 365, contributions, requestedAt: now,
  },
};
const issued: PolicyEvent = {
  type: 'PolicyIssued',
  data: { policyId, householdId: 'hh-1', insurerId: 'ins-1', policyNumber: 'PN-001', startDate: '2025-01-01', endDate: '2025-12-31', premium: cny(5_000), contributions, issuedAt: now },
};
const active = [requested, issued];
const government = { role: 'government' as const, id: '440305' };

const fileClaim = (claimId: string, amountClaimed: number, incidentDate = '2025-03-01', filedBy: ClaimFiler = government): FileClaim => ({
  type: 'FileClaim',
  data: { policyId, claimId, incidentDate, kind: 'hospitalisation', amountClaimed: cny(amountClaimed), evidence: ['discharge-summary.pdf'], filedBy, now },
});
const filed = (claimId: string, amountClaimed: number, incidentDate = '2025-03-01'): ClaimEvent => ({
  type: 'ClaimFiled',
  data: { policyId, claimId, householdId: 'hh-1', incidentDate, kind: 'hospitalisation', amountClaimed: cny(amountClaimed), evidence: ['discharge-summary.pdf'], filedBy: government, filedAt: now },
});
const approveClaim = (claimId: string, approvedAmount?: number, insurerId = 'ins-1'): ApproveClaim => ({
  type: 'ApproveClaim',
  data: { policyId, claimId, insurerId, ...(approvedAmount !== undefined && { approvedAmount: cny(approvedAmount) }), now },
});
const approved = (claimId: string, amount: number, inFull = true): ClaimEvent => ({
  type: 'ClaimApproved',
  data: { policyId, claimId, approvedAmount: cny(amount), inFull, approvedBy: 'ins-1', approvedAt: now },
});
const payClaim = (claimId: string, payoutReference = 'PO-1'): PayClaim => ({ type: 'PayClaim', data: { policyId, claimId, insurerId: 'ins-1', payoutReference, now } });
const paid = (claimId: string, amount: number, payoutReference = 'PO-1'): ClaimEvent => ({
  type: 'ClaimPaid',
  data: { policyId, claimId, householdId: 'hh-1', insurerId: 'ins-1', amount: cny(amount), payoutReference, fundedBy: contributions, paidAt: now },
});

describe('claims decider', () => {
  describe('FileClaim', () => {
    it('files a claim on an active policy', () => spec.given(active).when(fileClaim('cl-1', 300_000)).then([filed('cl-1', 300_000)]));

    it('files a claim on an expired policy for an incident during its period', () =>
      spec
        .given([...active, { type: 'PolicyExpired', data: { policyId, householdId: 'hh-1', productId: 'prod-1', endDate: '2025-12-31', expiredAt: now } }])
        .when({ ...fileClaim('cl-1', 300_000, '2025-12-31'), data: { ...fileClaim('cl-1', 300_000, '2025-12-31').data, now: afterCover } })
        .then([{ ...filed('cl-1', 300_000, '2025-12-31'), data: { ...filed('cl-1', 300_000, '2025-12-31').data, filedAt: afterCover } } as ClaimEvent]));

    it('is not found without a policy', () => spec.given([]).when(fileClaim('cl-1', 1)).thenThrows(NotFound, /policy policy-1/));

    it('refuses a policy not yet issued', () => spec.given([requested]).when(fileClaim('cl-1', 1)).thenThrows(Conflict, /is requested; claims can only be filed on an active or expired policy/));

    it('refuses an incident outside the policy period', () => {
      spec.given(active).when(fileClaim('cl-1', 1, '2024-12-31')).thenThrows(Conflict, /outside the policy period 2025-01-01 to 2025-12-31/);
      const dayAfterCover = fileClaim('cl-1', 1, '2026-01-01');
      spec.given(active).when({ ...dayAfterCover, data: { ...dayAfterCover.data, now: afterCover } }).thenThrows(Conflict, /outside the policy period/);
    });

    it('refuses an incident after today by the server clock, even inside the policy period', () => {
      spec.given(active).when(fileClaim('cl-1', 1, '2025-03-02')).thenThrows(InvalidCommand, /^incidentDate must not be after today \(2025-03-01\)/);
      spec.given(active).when(fileClaim('cl-1', 1, '2025-03-01')).then([filed('cl-1', 1, '2025-03-01')]);
    });

    it('refuses an incident inside the waiting period, and covers the day after it', () => {
      spec.given(active).when(fileClaim('cl-1', 1, '2025-01-30')).thenThrows(Conflict, /inside the waiting period, which ends on 2025-01-30/);
      spec.given(active).when(fileClaim('cl-1', 1, '2025-01-31')).then([filed('cl-1', 1, '2025-01-31')]);
    });

    it('refuses more than the remaining cover', () =>
      spec.given([...active, filed('cl-1', 800_000), approved('cl-1', 800_000)]).when(fileClaim('cl-2', 200_001)).thenThrows(Conflict, /exceeds the remaining cover of 200000/));

    it('refuses a claim id already filed', () => spec.given([...active, filed('cl-1', 1)]).when(fileClaim('cl-1', 1)).thenThrows(Conflict, /claim cl-1 is already filed/));

    it('refuses another insurer as filer', () => spec.given(active).when(fileClaim('cl-1', 1, '2025-03-01', { role: 'insurer', id: 'ins-2' })).thenThrows(Forbidden, /another insurer/));

    it('requires a positive amount in the policy currency', () => {
      spec.given(active).when(fileClaim('cl-1', 0)).thenThrows(InvalidCommand, /^amountClaimed\.amount/);
      const inDollars = fileClaim('cl-1', 1);
      inDollars.data.amountClaimed = money(1, 'USD');
      spec.given(active).when(inDollars).thenThrows(InvalidCommand, /^amountClaimed\.currency must be the policy currency CNY/);
    });
  });

  describe('ApproveClaim', () => {
    it('approves in full by default', () => spec.given([...active, filed('cl-1', 300_000)]).when(approveClaim('cl-1')).then([approved('cl-1', 300_000)]));

    it('approves part of the claim, with a note', () =>
      spec
        .given([...active, filed('cl-1', 300_000)])
        .when({ type: 'ApproveClaim', data: { policyId, claimId: 'cl-1', insurerId: 'ins-1', approvedAmount: cny(250_000), note: 'ward fees capped', now } })
        .then([{ type: 'ClaimApproved', data: { policyId, claimId: 'cl-1', approvedAmount: cny(250_000), inFull: false, note: 'ward fees capped', approvedBy: 'ins-1', approvedAt: now } }]));

    it('refuses to approve more than claimed', () =>
      spec.given([...active, filed('cl-1', 300_000)]).when(approveClaim('cl-1', 300_001)).thenThrows(InvalidCommand, /^approvedAmount\.amount must not exceed the amount claimed \(300000\)/));

    it('refuses to approve beyond the remaining cover', () =>
      spec
        .given([...active, filed('cl-1', 700_000), filed('cl-2', 700_000), approved('cl-1', 700_000)])
        .when(approveClaim('cl-2'))
        .thenThrows(Conflict, /beyond remaining cover of 300000/));

    it('may only be approved by the policy insurer', () => spec.given([...active, filed('cl-1', 1)]).when(approveClaim('cl-1', undefined, 'ins-2')).thenThrows(Forbidden, /another insurer/));

    it('is not found for an unknown claim', () => spec.given(active).when(approveClaim('cl-9')).thenThrows(NotFound, /claim cl-9/));

    it('refuses a claim no longer filed', () => spec.given([...active, filed('cl-1', 1), approved('cl-1', 1)]).when(approveClaim('cl-1')).thenThrows(Conflict, /already approved/));
  });

  describe('RejectClaim', () => {
    const rejectClaim = (reason: string) => ({ type: 'RejectClaim' as const, data: { policyId, claimId: 'cl-1', insurerId: 'ins-1', reason, now } });

    it('rejects a filed claim', () =>
      spec
        .given([...active, filed('cl-1', 1)])
        .when(rejectClaim('not covered'))
        .then([{ type: 'ClaimRejected', data: { policyId, claimId: 'cl-1', reason: 'not covered', rejectedBy: 'ins-1', rejectedAt: now } }]));

    it('requires a reason', () => spec.given([...active, filed('cl-1', 1)]).when(rejectClaim(' ')).thenThrows(InvalidCommand, /^reason/));

    it('refuses a claim already paid', () => spec.given([...active, filed('cl-1', 1), approved('cl-1', 1), paid('cl-1', 1)]).when(rejectClaim('late')).thenThrows(Conflict, /already paid/));
  });

  describe('PayClaim', () => {
    const approvedClaim = [...active, filed('cl-1', 300_000), approved('cl-1', 250_000, false)];

    it('pays the approved amount, naming the gifts that funded the policy', () => spec.given(approvedClaim).when(payClaim('cl-1')).then([paid('cl-1', 250_000)]));

    it('does nothing for the same payout again', () => spec.given([...approvedClaim, paid('cl-1', 250_000)]).when(payClaim('cl-1')).thenNothingHappens());

    it('refuses a second, different payout', () => spec.given([...approvedClaim, paid('cl-1', 250_000)]).when(payClaim('cl-1', 'PO-2')).thenThrows(Conflict, /already paid by payout PO-1/));

    it('refuses a claim not approved', () => spec.given([...active, filed('cl-1', 1)]).when(payClaim('cl-1')).thenThrows(Conflict, /is filed; only an approved claim can be paid/));
  });

  it('never pays more in total than the sum insured, whatever claims are attempted', () => {
    // A fixed pseudo-random sequence of claims, each filed, approved (in full or in part) and paid when the rules allow.
    let seed = 42;
    const next = (bound: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % bound;
    };
    let history: PolicyStreamEvent[] = [...active];
    const attempt = (command: ClaimCommand) => {
      try {
        history = [...history, ...claimsDecider.decide(command, foldEvents(claimsDecider, history))];
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    };
    for (let i = 0; i < 200; i++) {
      const claimId = `cl-${i}`;
      const claimed = 1 + next(300_000);
      attempt(fileClaim(claimId, claimed));
      attempt(approveClaim(claimId, next(2) === 0 ? undefined : 1 + next(claimed)));
      attempt(payClaim(claimId, `PO-${i}`));
    }
    const totalPaid = history.reduce((sum, event) => (event.type === 'ClaimPaid' ? sum + event.data.amount.amount : sum), 0);
    expect(totalPaid).toBeLessThanOrEqual(1_000_000);
    // The sequence did press against the limit: the cover is all but used up.
    expect(totalPaid).toBeGreaterThan(990_000);
    expect(remainingCover(foldEvents(claimsDecider, history))).toBe(1_000_000 - totalPaid);
  });
});

describe('SettleParametricClaim', () => {
  const fixed = { perils: ['flood' as const], rule: 'fixed' as const, amount: cny(50_000) };
  const settle = (overrides: Partial<Extract<ClaimCommand, { type: 'SettleParametricClaim' }>['data']> = {}): ClaimCommand => ({
    type: 'SettleParametricClaim',
    data: {
      policyId, claimId: 'dcl-1', declarationId: 'decl-1', declaredBy: '440305', insurerId: 'ins-1', peril: 'flood', severity: 2,
      incidentFrom: '2025-02-20', incidentTo: '2025-02-25', benefit: fixed, payoutReference: 'PAY-7-0', now, ...overrides,
    },
  });
  const settled = (amount: number, incidentDate = '2025-02-20'): ClaimEvent[] => [
    {
      type: 'ClaimFiled',
      data: {
        policyId, claimId: 'dcl-1', householdId: 'hh-1', incidentDate, kind: 'natural-disaster', amountClaimed: cny(amount), evidence: ['disaster declaration decl-1'],
        filedBy: government, filedAt: now, declarationId: 'decl-1',
      },
    },
    { type: 'ClaimApproved', data: { policyId, claimId: 'dcl-1', approvedAmount: cny(amount), inFull: true, approvedBy: 'ins-1', approvedAt: now } },
    { type: 'ClaimPaid', data: { policyId, claimId: 'dcl-1', householdId: 'hh-1', insurerId: 'ins-1', amount: cny(amount), payoutReference: 'PAY-7-0', fundedBy: contributions, paidAt: now } },
  ];
  it('files, approves and pays the fixed benefit at once', () => spec.given(active).when(settle()).then(settled(50_000)));
  it('pays a share of the sum insured by severity', () =>
    spec.given(active).when(settle({ benefit: { perils: ['flood'], rule: 'severity-share', shareBasisPointsBySeverity: [10_000, 500, 100, 0] } })).then(settled(50_000)));
  it('does nothing for a claim already settled (a redelivered batch)', () => spec.given([...active, ...settled(50_000)]).when(settle()).thenNothingHappens());
  it('dates the incident at the end of the waiting period when the disaster began inside it', () =>
    spec.given(active).when(settle({ incidentFrom: '2025-01-20', incidentTo: '2025-02-05' })).then(settled(50_000, '2025-01-31')));
  it('refuses a disaster wholly inside the waiting period or outside the policy period', () => {
    spec.given(active).when(settle({ incidentFrom: '2025-01-10', incidentTo: '2025-01-20' })).thenThrows(Conflict, /did not cover any day/);
    spec.given(active).when(settle({ incidentFrom: '2026-01-02', incidentTo: '2026-01-03' })).thenThrows(Conflict, /did not cover any day/);
  });
  it('caps the payout at the remaining cover, and pays nothing once it is used up', () => {
    const nearlyUsed = [...active, filed('cl-1', 980_000), approved('cl-1', 980_000)];
    const [filedEvent, approvedEvent, paidEvent] = settled(20_000);
    spec.given(nearlyUsed).when(settle()).then([
      filedEvent,
      { ...approvedEvent, data: { ...approvedEvent.data, note: 'parametric benefit 50000 capped at the remaining cover' } } as ClaimEvent,
      paidEvent,
    ]);
    spec.given([...active, filed('cl-1', 1_000_000), approved('cl-1', 1_000_000)]).when(settle()).thenThrows(Conflict, /no cover left/);
  });
  it('refuses a peril the product does not cover, and another insurer', () => {
    spec.given(active).when(settle({ peril: 'drought' })).thenThrows(Conflict, /does not cover drought/);
    spec.given(active).when(settle({ insurerId: 'ins-2' })).thenThrows(Forbidden, /another insurer/);
  });
});
