import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, type ErrorCode, type ErrorParams, householdDecider, nationalIdDecider, nationalIdsOf, streams } from '@pangolin/domain';
import { checkedRegistration, HouseholdImports, type ImportedHousehold, type ImportRow, type Registrar, registerHousehold } from '@pangolin/application';
import { PANGOLIN_CONFIG, PangolinConfig } from '@pangolin/runtime';
import { idempotentCreationId } from '../http/idempotency';
import { RequestContext } from '../http/request-context';
import { violationsOf, type Violation } from '../http/validation';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { deciderCommandHandler, UserCommand } from '../infrastructure/decider-command';
import { EraseHouseholdPersonalDataDto, RegisterHouseholdDto, RegisterHouseholdImportDto, RevokeEligibilityDto, VerifyEligibilityDto } from './households.dto';

/** The region a government user answers for; other roles cannot act on households. */
export function governmentRegion(context: RequestContext): string {
  if (context.user.role !== 'government' || !context.user.regionCode) throw new ForbiddenException('only a local government can register households, verify eligibility and erase personal data');
  return context.user.regionCode;
}

export class RegisterHouseholdCommand extends UserCommand<RegisterHouseholdDto, { householdId: string; householdCode: string }> {}

/** The acting government, as the registration rules know it. */
function registrarOf(context: RequestContext, config: PangolinConfig): Registrar {
  return { region: governmentRegion(context), nationalIdIndexKey: config.nationalIdIndexKey };
}

/** What a check says of one row of an import: fine, or each broken rule of its fields, or the domain's refusal (with its code and parameters, for a client to say it in its user's language). */
export type ImportRowCheck = { row: number; ok: true } | ImportRowRefusal;
export type ImportRowRefusal = { row: number; ok: false; violations: Violation[] } | { row: number; ok: false; status: number; reason: string; code: ErrorCode; params: ErrorParams };

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
        await checkedRegistration(this.commands, registrarOf(context, this.config), context.newId(), body);
        for (const { nationalId } of nationalIdsOf(body.personal)) numbersSeen.set(nationalId, row);
        results.push({ row, ok: true });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push(refusalOf(row, error));
      }
    }
    return { results };
  }
}

const STATUS_OF: Record<DomainError['kind'], number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409 };

/** A row refused by the domain, with the status POST /households would have answered. */
function refusalOf(row: number, error: DomainError): ImportRowRefusal {
  return { row, ok: false, status: STATUS_OF[error.kind], reason: error.message, code: error.code, params: error.params };
}

/** Registers a household under a new id (or the one its Idempotency-Key gives): see registerHousehold. */
@CommandHandler(RegisterHouseholdCommand)
export class RegisterHouseholdHandler implements ICommandHandler<RegisterHouseholdCommand> {
  constructor(private readonly commands: CommandRunner, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  async execute({ context, input: body }: RegisterHouseholdCommand) {
    const batch = this.commands.batch(context);
    const registered = await registerHousehold(batch, registrarOf(context, this.config), context.newId(), body);
    await batch.settle();
    return registered;
  }
}

/** What a registration says of one row of an import: registered (and whether verified), or refused as a check would say it. */
export type ImportRowRegistration = ({ row: number; ok: true } & ImportedHousehold) | ImportRowRefusal;

export class RegisterHouseholdImportCommand extends UserCommand<RegisterHouseholdImportDto, { results: ImportRowRegistration[] }> {}

/** Rows of one request registered at once: enough for the embedded store to commit their appends in groups. */
const IMPORT_CONCURRENCY = 8;

/**
 * Registers the rows of an import (HouseholdImports), each under the id its (caller, import, row)
 * always gets, so the same rows sent again register nobody twice. That id is the one POST
 * /households gave a row imported with the Idempotency-Key `import-<importId>-<row>` (how the web
 * app imported before), so a file imported that way is not registered again either. Each row's
 * fields are checked as POST /households checks a body, and refused on their own. The commands
 * only record; the answer waits once for all their consequences.
 */
@CommandHandler(RegisterHouseholdImportCommand)
export class RegisterHouseholdImportHandler implements ICommandHandler<RegisterHouseholdImportCommand> {
  private readonly imports = new HouseholdImports();

  constructor(private readonly commands: CommandRunner, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  async execute({ context, input: { importId, verify, rows } }: RegisterHouseholdImportCommand) {
    const registrar = registrarOf(context, this.config);
    const refused = new Map<number, ImportRowRegistration>();
    const valid: ImportRow[] = [];
    for (const { row, household } of rows) {
      const violations = await violationsOf(RegisterHouseholdDto, household);
      if (violations.length) refused.set(row, { row, ok: false, violations });
      else valid.push({ row, householdId: idempotentCreationId(context.user.userId, 'POST', '/households', `import-${importId}-${row}`), registration: household as RegisterHouseholdDto });
    }
    const batch = this.commands.batch(context);
    const outcomes = new Map((await this.imports.register(batch, registrar, valid, { verify, concurrency: IMPORT_CONCURRENCY })).map((outcome) => [outcome.row, outcome]));
    await batch.settle();
    const results = rows.map(({ row }): ImportRowRegistration => {
      const outcome = outcomes.get(row);
      if (!outcome) return refused.get(row)!;
      return outcome.ok ? outcome : refusalOf(row, outcome.refusal);
    });
    return { results };
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

export const householdCommandHandlers = [CheckHouseholdImportHandler, RegisterHouseholdHandler, RegisterHouseholdImportHandler, VerifyEligibilityHandler, RevokeEligibilityHandler, EraseHouseholdPersonalDataHandler];
