import { PERIL_KINDS, SEVERITY_LEVELS } from '../products/parametric';
import { assertIsoDate, dateOf } from '../shared/dates';
import { Decider } from '../shared/decider';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { assertRegionCode, regionContains } from '../shared/region-code';
import { assertTextWithin } from '../shared/text';
import { ConfirmDisasterDeclaration, DeclareDisaster, DisasterCommand, DisputeDisasterDeclaration, RecordDisasterPayoutBatch } from './commands';
import { DisasterEvent, DisasterFacts } from './events';

export const MAX_DECLARED_REGIONS = 50;
const MAX_REFERENCE_LENGTH = 100;
const MAX_REASON_LENGTH = 500;

export interface InsurerAnswer {
  status: 'confirmed' | 'disputed';
  productIds: string[];
  paymentFileReference: string | null;
  completed: boolean;
}

export type DisasterState =
  | { declared: false }
  | (DisasterFacts & {
      declared: true;
      declarationId: string;
      declaredBy: string;
      answers: Map<string, InsurerAnswer>;
      /** Policies already paid by this declaration: a policy is paid once, whatever batch it comes in. */
      paidPolicies: Set<string>;
      /** Per insurer: the policies paid and the amount. */
      paidByInsurer: Map<string, { policies: number; amount: number; currency: string | null }>;
    });
export type DeclaredDisaster = Extract<DisasterState, { declared: true }>;

function decide(command: DisasterCommand, state: DisasterState): DisasterEvent[] {
  switch (command.type) {
    case 'DeclareDisaster':
      return declare(command.data, state);
    case 'ConfirmDisasterDeclaration':
      return confirm(command.data, state);
    case 'DisputeDisasterDeclaration':
      return dispute(command.data, state);
    case 'RecordDisasterPayoutBatch':
      return recordBatch(command.data, state);
    case 'CompleteDisasterPayouts': {
      const { declarationId, insurerId, now } = command.data;
      const answer = confirmedAnswer(declarationId, insurerId, state);
      if (answer.completed) return [];
      const paid = (state as DeclaredDisaster).paidByInsurer.get(insurerId);
      const amountPaid = paid?.currency ? { amount: paid.amount, currency: paid.currency } : null;
      return [{ type: 'DisasterPayoutsCompleted', data: { declarationId, insurerId, policiesPaid: paid?.policies ?? 0, amountPaid, completedAt: now } }];
    }
  }
}

function declare(command: DeclareDisaster['data'], state: DisasterState): DisasterEvent[] {
  const { declarationId, governmentRegion, peril, regionCodes, incidentFrom, incidentTo, severity, authorityReference, now } = command;
  if (!(PERIL_KINDS as readonly string[]).includes(peril)) throw new InvalidCommand('peril', `must be one of ${PERIL_KINDS.join(', ')}`);
  if (regionCodes.length === 0 || regionCodes.length > MAX_DECLARED_REGIONS) throw new InvalidCommand('regionCodes', `must list 1 to ${MAX_DECLARED_REGIONS} region codes`);
  regionCodes.forEach((code, i) => {
    assertRegionCode(code, `regionCodes[${i}]`);
    if (!regionContains(governmentRegion, code)) throw new Forbidden(`region ${code} is outside your region ${governmentRegion}`, 'region.outside-yours', { regionCode: code, yourRegion: governmentRegion });
  });
  // A region inside another declared one would only list its households twice.
  regionCodes.forEach((code, i) => {
    if (regionCodes.some((other, j) => j !== i && regionContains(other, code) && (other !== code || j < i))) throw new InvalidCommand(`regionCodes[${i}]`, 'must not repeat or lie within another declared region');
  });
  assertIsoDate(incidentFrom, 'incidentFrom');
  assertIsoDate(incidentTo, 'incidentTo');
  if (incidentTo < incidentFrom) throw new InvalidCommand('incidentTo', 'must not be before incidentFrom');
  // By the server's clock: a disaster that has not happened yet cannot be declared.
  if (incidentTo > dateOf(now)) throw new InvalidCommand('incidentTo', `must not be after today (${dateOf(now)})`);
  if (!(SEVERITY_LEVELS as readonly number[]).includes(severity)) throw new InvalidCommand('severity', 'must be a level from 1 (most severe) to 4');
  assertTextWithin(authorityReference, 'authorityReference', MAX_REFERENCE_LENGTH);
  if (state.declared) throw new Conflict(`declaration ${declarationId} is already made`, 'declaration.already-made');
  return [{ type: 'DisasterDeclared', data: { declarationId, declaredBy: governmentRegion, peril, regionCodes, incidentFrom, incidentTo, severity, authorityReference, declaredAt: now } }];
}

function confirm(command: ConfirmDisasterDeclaration['data'], state: DisasterState): DisasterEvent[] {
  const { declarationId, insurerId, coveringProductIds, paymentFileReference, now } = command;
  if (paymentFileReference !== undefined) assertTextWithin(paymentFileReference, 'paymentFileReference', MAX_REFERENCE_LENGTH);
  const declaration = answerable(declarationId, insurerId, coveringProductIds, state);
  const answer = declaration.answers.get(insurerId);
  if (answer?.status === 'confirmed') return [];
  if (answer) throw new Conflict(`you disputed declaration ${declarationId}`, 'declaration.you-disputed');
  return [
    {
      type: 'DisasterDeclarationConfirmed',
      data: { declarationId, insurerId, productIds: [...coveringProductIds].sort(), paymentFileReference: paymentFileReference ?? `DD-${declarationId}`, confirmedAt: now },
    },
  ];
}

function dispute(command: DisputeDisasterDeclaration['data'], state: DisasterState): DisasterEvent[] {
  const { declarationId, insurerId, coveringProductIds, reason, now } = command;
  assertTextWithin(reason, 'reason', MAX_REASON_LENGTH);
  const declaration = answerable(declarationId, insurerId, coveringProductIds, state);
  const answer = declaration.answers.get(insurerId);
  if (answer) throw new Conflict(`you already ${answer.status} declaration ${declarationId}`, 'declaration.already-answered', { status: answer.status });
  return [{ type: 'DisasterDeclarationDisputed', data: { declarationId, insurerId, reason, disputedAt: now } }];
}

function recordBatch(command: RecordDisasterPayoutBatch['data'], state: DisasterState): DisasterEvent[] {
  const { declarationId, insurerId, batchNumber, payouts, now } = command;
  confirmedAnswer(declarationId, insurerId, state);
  const { paidPolicies } = state as DeclaredDisaster;
  const seen = new Set<string>();
  const fresh = payouts.filter(({ policyId }) => !paidPolicies.has(policyId) && !seen.has(policyId) && seen.add(policyId));
  if (fresh.length === 0) return [];
  return [{ type: 'DisasterPayoutBatchRecorded', data: { declarationId, insurerId, batchNumber, payouts: fresh, recordedAt: now } }];
}

function evolve(state: DisasterState, event: DisasterEvent): DisasterState {
  if (event.type === 'DisasterDeclared') {
    const { declaredAt: _, ...declared } = event.data;
    return { declared: true, ...declared, answers: new Map(), paidPolicies: new Set(), paidByInsurer: new Map() };
  }
  if (!state.declared) return state;
  switch (event.type) {
    case 'DisasterDeclarationConfirmed': {
      const { insurerId, productIds, paymentFileReference } = event.data;
      state.answers.set(insurerId, { status: 'confirmed', productIds, paymentFileReference, completed: false });
      return state;
    }
    case 'DisasterDeclarationDisputed':
      state.answers.set(event.data.insurerId, { status: 'disputed', productIds: [], paymentFileReference: null, completed: false });
      return state;
    case 'DisasterPayoutBatchRecorded': {
      const { insurerId, payouts } = event.data;
      const paid = state.paidByInsurer.get(insurerId) ?? { policies: 0, amount: 0, currency: null };
      for (const { policyId, amount } of payouts) {
        state.paidPolicies.add(policyId);
        paid.policies += 1;
        paid.amount += amount.amount;
        paid.currency = amount.currency;
      }
      state.paidByInsurer.set(insurerId, paid);
      return state;
    }
    case 'DisasterPayoutsCompleted': {
      const answer = state.answers.get(event.data.insurerId);
      if (answer) answer.completed = true;
      return state;
    }
  }
}

export const disasterDecider: Decider<DisasterCommand, DisasterState, DisasterEvent> = {
  decide,
  evolve,
  initialState: () => ({ declared: false }),
};

function existingDeclaration(declarationId: string, state: DisasterState): DeclaredDisaster {
  if (!state.declared) throw new NotFound(`declaration ${declarationId}`);
  return state;
}

function answerable(declarationId: string, insurerId: string, coveringProductIds: string[], state: DisasterState): DeclaredDisaster {
  assertTextWithin(insurerId, 'insurerId', 64);
  const declaration = existingDeclaration(declarationId, state);
  if (coveringProductIds.length === 0) throw new Forbidden(`you have no parametric product covering ${declaration.peril}`, 'declaration.no-covering-product', { peril: declaration.peril });
  return declaration;
}

function confirmedAnswer(declarationId: string, insurerId: string, state: DisasterState): InsurerAnswer {
  const answer = existingDeclaration(declarationId, state).answers.get(insurerId);
  if (answer?.status !== 'confirmed') throw new Conflict(`insurer ${insurerId} has not confirmed declaration ${declarationId}`, 'declaration.not-confirmed');
  return answer;
}
