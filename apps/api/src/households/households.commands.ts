import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, type ErrorCode, type ErrorParams, HouseholdPersonalData, householdDecider, nationalIdDecider, nationalIdsOf, NationalIdHolder, ReserveNationalId, streams, householdCodeFor } from '@pangolin/domain';
import { nationalIdDigest } from '@pangolin/application';
import { PANGOLIN_CONFIG, PangolinConfig } from '@pangolin/runtime';
import { RequestContext } from '../http/request-context';
import { violationsOf, type Violation } from '../http/validation';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { deciderCommandHandler, UserCommand } from '../infrastructure/decider-command';
import { EraseHouseholdPersonalDataDto, RegisterHouseholdDto, RevokeEligibilityDto, VerifyEligibilityDto } from './households.dto';

/** The region a government user answers for; other roles cannot act on households. */
export function governmentRegion(context: RequestContext): string {
  if (context.user.role !== 'government' || !context.user.regionCode) throw new ForbiddenException('only a local government can register households, verify eligibility and erase personal data');
  return context.user.regionCode;
}

export class RegisterHouseholdCommand extends UserCommand<RegisterHouseholdDto, { householdId: string; householdCode: string }> {}

/** The reservation of each national ID of a registration, in a stream named by its keyed digest. */
export function nationalIdReservations(indexKey: Uint8Array, personal: HouseholdPersonalData, holder: NationalIdHolder, registrarRegion: string, now: string) {
  return nationalIdsOf(personal).map(({ field, nationalId }) => {
    const digest = nationalIdDigest(indexKey, nationalId);
    const reserve: ReserveNationalId = { type: 'ReserveNationalId', data: { field, holder, registrarRegion, now } };
    return { digest, streamId: streams.nationalId(digest), reserve };
  });
}

/**
 * A registration and its national ID reservations, checked against the current state: the
 * registration itself, then every number (one another household holds is refused with 409).
 * Throws the refusal; writes nothing.
 */
async function checkedRegistration(commands: CommandRunner, config: PangolinConfig, context: RequestContext, householdId: string, body: RegisterHouseholdDto) {
  const householdCode = householdCodeFor(householdId);
  const registrarRegion = governmentRegion(context);
  const now = commands.now();
  const reservations = nationalIdReservations(config.nationalIdIndexKey, body.personal, { householdId, householdCode, villageCode: body.villageCode }, registrarRegion, now);
  const register = {
    type: 'RegisterHousehold' as const,
    data: { householdId, householdCode, villageCode: body.villageCode, registrarRegion, category: body.category, personal: body.personal, nationalIdDigests: reservations.map((r) => r.digest), now },
  };
  householdDecider.decide(register, await commands.state(householdDecider, streams.household(householdId)));
  for (const { streamId, reserve } of reservations) nationalIdDecider.decide(reserve, await commands.state(nationalIdDecider, streamId));
  return { householdCode, register, reservations };
}

/** What a check says of one row of an import: fine, or each broken rule of its fields, or the domain's refusal (with its code and parameters, for a client to say it in its user's language). */
export type ImportRowCheck = { row: number; ok: true } | { row: number; ok: false; violations: Violation[] } | { row: number; ok: false; status: number; reason: string; code: ErrorCode; params: ErrorParams };

export class CheckHouseholdImportCommand extends UserCommand<unknown[], { results: ImportRowCheck[] }> {}

/**
 * Checks every row of an import as its registration would be checked, writing nothing: its fields
 * (as POST /households checks a body), then the domain's rules (the village in the officer's
 * region, every national ID free). A number given twice in the same file is refused on its second
 * row, since the first would take it.
 */
@CommandHandler(CheckHouseholdImportCommand)
export class CheckHouseholdImportHandler implements ICommandHandler<CheckHouseholdImportCommand> {
  constructor(private readonly commands: CommandRunner, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  async execute({ context, input: rows }: CheckHouseholdImportCommand) {
    const results: ImportRowCheck[] = [];
    const numbersSeen = new Map<string, number>();
    for (const [row, value] of rows.entries()) {
      const violations = await violationsOf(RegisterHouseholdDto, value);
      if (violations.length) {
        results.push({ row, ok: false, violations });
        continue;
      }
      const body = value as RegisterHouseholdDto;
      const repeated = nationalIdsOf(body.personal).find(({ nationalId }) => numbersSeen.has(nationalId));
      if (repeated) {
        const first = numbersSeen.get(repeated.nationalId)! + 1;
        results.push({ row, ok: false, status: 409, reason: `${repeated.field} is also given on row ${first} of this import`, code: 'household.import-repeated-id', params: { field: repeated.field, row: first } });
        continue;
      }
      try {
        await checkedRegistration(this.commands, this.config, context, context.newId(), body);
        for (const { nationalId } of nationalIdsOf(body.personal)) numbersSeen.set(nationalId, row);
        results.push({ row, ok: true });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ row, ok: false, status: STATUS_OF[error.kind], reason: error.message, code: error.code, params: error.params });
      }
    }
    return { results };
  }
}

const STATUS_OF: Record<DomainError['kind'], number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409 };

/**
 * Each national ID of the registration is reserved for the household before it is recorded
 * (national-id-reservation.decider.ts): a number another household holds is refused with 409, and
 * nothing is written. A retry for the same household finds its own reservations and goes on.
 */
@CommandHandler(RegisterHouseholdCommand)
export class RegisterHouseholdHandler implements ICommandHandler<RegisterHouseholdCommand> {
  constructor(private readonly commands: CommandRunner, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  async execute({ context, input: body }: RegisterHouseholdCommand) {
    const householdId = context.newId();
    const { householdCode, register, reservations } = await checkedRegistration(this.commands, this.config, context, householdId, body);
    const now = register.data.now;
    const reserved: string[] = [];
    try {
      for (const { streamId, reserve } of reservations) {
        // Only what this attempt wrote: a retry finds its numbers already held, and must not free them.
        if ((await this.commands.run(nationalIdDecider, streamId, reserve, context)).events.length) reserved.push(streamId);
      }
      await this.commands.run(householdDecider, streams.household(householdId), register, context);
    } catch (error) {
      // Lost a race for a number (or the write failed): free what this attempt took, so no number
      // stays held by a household that was never registered.
      for (const streamId of reserved) {
        await this.commands.run(nationalIdDecider, streamId, { type: 'ReleaseNationalId', data: { householdId, reason: 'registration refused', now } }, context);
      }
      throw error;
    }
    return { householdId, householdCode };
  }
}

export class VerifyEligibilityCommand extends UserCommand<{ householdId: string; body: VerifyEligibilityDto }> {}

export const VerifyEligibilityHandler = deciderCommandHandler(VerifyEligibilityCommand, householdDecider)({
  stream: ({ input }) => streams.household(input.householdId),
  command: ({ context, input: { householdId, body }, now }) => ({ type: 'VerifyEligibility', data: { householdId, category: body.category, verifierRegion: governmentRegion(context), now } }),
});

export class RevokeEligibilityCommand extends UserCommand<{ householdId: string; body: RevokeEligibilityDto }> {}

export const RevokeEligibilityHandler = deciderCommandHandler(RevokeEligibilityCommand, householdDecider)({
  stream: ({ input }) => streams.household(input.householdId),
  command: ({ context, input: { householdId, body }, now }) => ({ type: 'RevokeEligibility', data: { householdId, reason: body.reason, revokerRegion: governmentRegion(context), now } }),
});

export class EraseHouseholdPersonalDataCommand extends UserCommand<{ householdId: string; body: EraseHouseholdPersonalDataDto }> {}

/** Erasing a household's personal data also frees its national IDs, so the people can be registered again. */
export const EraseHouseholdPersonalDataHandler = deciderCommandHandler(EraseHouseholdPersonalDataCommand, householdDecider)({
  facts: async ({ context, input: { householdId }, commands }) => ({ eraserRegion: governmentRegion(context), household: await commands.state(householdDecider, streams.household(householdId)) }),
  stream: ({ input }) => streams.household(input.householdId),
  command: ({ input: { householdId, body }, now, facts: { eraserRegion } }) => ({ type: 'EraseHouseholdPersonalData', data: { householdId, reason: body.reason, eraserRegion, now } }),
  // Refusals first (wrong region, already erased); then the numbers are freed, then the data erased,
  // so a retry after a failure part-way frees what is left (releasing is idempotent).
  first: {
    state: ({ household }) => household,
    write: async ({ context, commands, input: { householdId }, now, facts: { household } }) => {
      for (const digest of household.registered ? household.nationalIdDigests : []) {
        await commands.run(nationalIdDecider, streams.nationalId(digest), { type: 'ReleaseNationalId', data: { householdId, reason: 'personal data erased', now } }, context);
      }
    },
  },
});

export const householdCommandHandlers = [CheckHouseholdImportHandler, RegisterHouseholdHandler, VerifyEligibilityHandler, RevokeEligibilityHandler, EraseHouseholdPersonalDataHandler];
