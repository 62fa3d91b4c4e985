import { ClaimEvent } from '../claims/events';
import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { money } from '../shared/money';
import { CancelPolicy, RequestPolicy } from './commands';
import { PolicyEvent } from './events';
import { policyDecider, remainingCover } from './policy.decider';

const spec = deciderSpecification(policyDecider);
const now = '2025-03-01T08:00:00.000Z';
/** The premium was fully funded shortly before cover starts on 2025-01-01, and the policy requested a day later. */
const fundedAt = '2024-12-20T08:00:00.000Z';
const requestedAt = '2024-12-21T08:00:00.000Z';
const cny = (amount: number) => money(amount, 'CNY');
const policyId = 'policy-1';
const contributions = [
  { giftId: 'gift-a', amount: 3_000 },
  { giftId: 'gift-b', amount: 2_000 },
];

const requestPolicy: RequestPolicy = {
  type: 'RequestPolicy',
  data: {
    policyId, householdId: 'hh-1', productId: 'prod-1', productVersion: 1, insurerId: 'ins-1',
    premium: cny(5_000), sumInsured: cny(2_000_000), waitingPeriodDays: 30, termDays: 365, contributions, fundedAt, now: requestedAt,
  },
};
const { now: _requestNow, ...requestTerms } = requestPolicy.data;
const requested: PolicyEvent = { type: 'PolicyRequested', data: { ...requestTerms, requestedAt } };
const issued: PolicyEvent = {
  type: 'PolicyIssued',
  data: { policyId, householdId: 'hh-1', insurerId: 'ins-1', policyNumber: 'PN-001', startDate: '2025-01-01', endDate: '2025-12-31', premium: cny(5_000), contributions, issuedAt: now },
};
const cancelled: PolicyEvent = {
  type: 'PolicyCancelled',
  data: { policyId, householdId: 'hh-1', insurerId: 'ins-1', reason: 'r', wasIssued: false, effectiveDate: '2025-01-01', unearnedPremium: cny(5_000), refunds: contributions, cancelledAt: now },
};
const expired: PolicyEvent = { type: 'PolicyExpired', data: { policyId, householdId: 'hh-1', productId: 'prod-1', endDate: '2025-12-31', expiredAt: now } };

describe('policy decider', () => {
  describe('RequestPolicy', () => {
    it('requests the policy on the funded terms', () => spec.given([]).when(requestPolicy).then([requested]));

    it('does nothing when the policy is already requested (a retried request)', () => spec.given([requested]).when(requestPolicy).thenNothingHappens());

    it('requires contributions that add up to the premium', () =>
      spec
        .given([])
        .when({ ...requestPolicy, data: { ...requestPolicy.data, contributions: [{ giftId: 'gift-a', amount: 4_000 }] } })
        .thenThrows(InvalidCommand, /^contributions must add up to the premium \(5000\), not 4000/));

    it('requires a term of at least one day', () =>
      spec.given([]).when({ ...requestPolicy, data: { ...requestPolicy.data, termDays: 0 } }).thenThrows(InvalidCommand, /^termDays/));
  });

  describe('IssuePolicy', () => {
    const issue = (insurerId = 'ins-1', startDate = '2025-01-01') => ({ type: 'IssuePolicy' as const, data: { policyId, insurerId, policyNumber: 'PN-001', startDate, startWindowDays: 30, now } });

    it('issues the policy for termDays days, the end date included', () => spec.given([requested]).when(issue()).then([issued]));

    it('is not found before it is requested', () => spec.given([]).when(issue()).thenThrows(NotFound, /policy policy-1/));

    it('may only be issued by its own insurer', () => spec.given([requested]).when(issue('ins-2')).thenThrows(Forbidden, /another insurer/));

    it('is issued once', () => spec.given([requested, issued]).when(issue()).thenThrows(Conflict, /is active; only a requested policy can be issued/));

    it('requires a calendar start date', () => spec.given([requested]).when(issue('ins-1', '2025-02-30')).thenThrows(InvalidCommand, /^startDate/));

    it('may start on the day the premium was funded or up to the window after it', () => {
      const startingOn = (startDate: string) => policyDecider.decide(issue('ins-1', startDate), foldEvents(policyDecider, [requested]));
      expect(startingOn('2024-12-20')).toMatchObject([{ type: 'PolicyIssued', data: { startDate: '2024-12-20', endDate: '2025-12-19' } }]);
      expect(startingOn('2025-01-19')).toMatchObject([{ type: 'PolicyIssued', data: { startDate: '2025-01-19' } }]);
    });

    it('refuses a start date before the day the premium was funded: cover cannot reach back before anyone paid', () =>
      spec.given([requested]).when(issue('ins-1', '2015-01-01')).thenThrows(InvalidCommand, /^startDate must be from 2024-12-20, the day the premium was funded, to 2025-01-19/));

    it('takes the day of the request as the funding day of a policy requested before fundedAt was recorded', () => {
      const { fundedAt: _unrecorded, ...older } = requestTerms;
      spec.given([{ type: 'PolicyRequested', data: { ...older, requestedAt } }]).when(issue('ins-1', '2024-12-20')).thenThrows(InvalidCommand, /^startDate must be from 2024-12-21/);
    });

    it('refuses a start date later than the window after funding', () =>
      spec.given([requested]).when(issue('ins-1', '2025-01-20')).thenThrows(InvalidCommand, /^startDate must be from 2024-12-20,.* to 2025-01-19 \(30 days later\)/));
  });

  describe('CancelPolicy', () => {
    const cancel = (effectiveDate: string, insurerId: string | null = 'ins-1'): CancelPolicy => ({ type: 'CancelPolicy', data: { policyId, insurerId, reason: 'r', effectiveDate, now } });

    it('refunds the whole premium of a policy never issued', () => spec.given([requested]).when(cancel('2025-01-01', null)).then([cancelled]));

    it('refunds the premium of the unused days of an active policy, split over its gifts', () =>
      // 2025-07-02 to 2025-12-31 is 183 days: floor(5000 * 183 / 365) = 2506, split 3:2.
      spec
        .given([requested, issued])
        .when(cancel('2025-07-02'))
        .then([
          {
            type: 'PolicyCancelled',
            data: {
              policyId, householdId: 'hh-1', insurerId: 'ins-1', reason: 'r', wasIssued: true, effectiveDate: '2025-07-02', unearnedPremium: cny(2_506),
              refunds: [{ giftId: 'gift-a', amount: 1_504 }, { giftId: 'gift-b', amount: 1_002 }],
              cancelledAt: now,
            },
          },
        ]));

    it('refunds the whole premium from the first day and one day of it from the last day', () => {
      const active = foldEvents(policyDecider, [requested, issued]);
      const unearnedFrom = (effectiveDate: string) => policyDecider.decide(cancel(effectiveDate), active).map((event) => event.type === 'PolicyCancelled' && event.data.unearnedPremium.amount);
      expect(unearnedFrom('2025-01-01')).toEqual([5_000]);
      expect(unearnedFrom('2025-12-31')).toEqual([Math.floor(5_000 / 365)]);
    });

    it('refuses an effective date outside the policy period', () =>
      spec.given([requested, issued]).when(cancel('2026-01-01')).thenThrows(Conflict, /outside the policy period 2025-01-01 to 2025-12-31/));

    it('refuses a policy already cancelled or expired', () => {
      spec.given([requested, cancelled]).when(cancel('2025-01-01')).thenThrows(Conflict, /already cancelled/);
      spec.given([requested, issued, expired]).when(cancel('2025-06-01')).thenThrows(Conflict, /already expired/);
    });

    it('may be cancelled by its insurer or an administrator, not another insurer', () =>
      spec.given([requested]).when(cancel('2025-01-01', 'ins-2')).thenThrows(Forbidden, /another insurer/));
  });

  describe('ExpirePolicy', () => {
    /** `today` is the server's date: the command carries only the clock's now. */
    const expire = (today: string) => ({ type: 'ExpirePolicy' as const, data: { policyId, now: `${today}T00:00:01.000Z` } });
    const expiredOn = (today: string): PolicyEvent => ({ type: 'PolicyExpired', data: { ...expired.data, expiredAt: `${today}T00:00:01.000Z` } });

    it('expires an active policy after its last day', () => spec.given([requested, issued]).when(expire('2026-01-01')).then([expiredOn('2026-01-01')]));

    it('refuses months before the end of cover, whatever the caller wishes', () =>
      spec.given([requested, issued]).when(expire('2025-06-01')).thenThrows(Conflict, /covers until 2025-12-31 inclusive, so it cannot expire on 2025-06-01/));

    it('refuses on the last day of cover', () => spec.given([requested, issued]).when(expire('2025-12-31')).thenThrows(Conflict, /covers until 2025-12-31 inclusive/));

    it('does nothing when already expired (a retried expiry)', () => spec.given([requested, issued, expired]).when(expire('2026-01-02')).thenNothingHappens());

    it('refuses a policy not active', () => spec.given([requested]).when(expire('2026-01-01')).thenThrows(Conflict, /is requested; only an active policy can expire/));
  });

  describe('evolvePolicy', () => {
    it('folds claim events from the same stream into the claims and the remaining cover', () => {
      const claimEvents: ClaimEvent[] = [
        {
          type: 'ClaimFiled',
          data: {
            policyId, claimId: 'cl-1', householdId: 'hh-1', incidentDate: '2025-03-01', kind: 'illness',
            amountClaimed: cny(500_000), evidence: [], filedBy: { role: 'insurer', id: 'ins-1' }, filedAt: now,
          },
        },
        { type: 'ClaimApproved', data: { policyId, claimId: 'cl-1', approvedAmount: cny(400_000), inFull: false, approvedBy: 'ins-1', approvedAt: now } },
        {
          type: 'ClaimPaid',
          data: { policyId, claimId: 'cl-1', householdId: 'hh-1', insurerId: 'ins-1', amount: cny(400_000), payoutReference: 'PO-1', fundedBy: contributions, paidAt: now },
        },
      ];
      const state = foldEvents(policyDecider, [requested, issued, ...claimEvents]);
      expect(state.status).toBe('active');
      expect(state.status !== 'none' && state.claims.get('cl-1')).toEqual({
        status: 'paid', amountClaimed: cny(500_000), approvedAmount: cny(400_000), incidentDate: '2025-03-01', payoutReference: 'PO-1',
      });
      expect(remainingCover(state)).toBe(1_600_000);
    });
  });
});
