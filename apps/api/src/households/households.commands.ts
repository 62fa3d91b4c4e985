import { ForbiddenException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { householdDecider, streams } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { householdCodeFor } from './household-code';
import { EraseHouseholdPersonalDataDto, RegisterHouseholdDto, RevokeEligibilityDto, VerifyEligibilityDto } from './households.dto';

/** The region a government user answers for; other roles cannot act on households. */
export function governmentRegion(context: RequestContext): string {
  if (context.user.role !== 'government' || !context.user.regionCode) throw new ForbiddenException('only a local government can register households, verify eligibility and erase personal data');
  return context.user.regionCode;
}

export class RegisterHouseholdCommand extends Command<{ householdId: string; householdCode: string }> {
  constructor(readonly context: RequestContext, readonly body: RegisterHouseholdDto) {
    super();
  }
}

@CommandHandler(RegisterHouseholdCommand)
export class RegisterHouseholdHandler implements ICommandHandler<RegisterHouseholdCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, body }: RegisterHouseholdCommand) {
    const householdId = context.newId();
    const householdCode = householdCodeFor(householdId);
    await this.commands.run(householdDecider, streams.household(householdId), {
      type: 'RegisterHousehold',
      data: { householdId, householdCode, villageCode: body.villageCode, registrarRegion: governmentRegion(context), category: body.category, personal: body.personal, now: this.commands.now() },
    }, context);
    return { householdId, householdCode };
  }
}

export class VerifyEligibilityCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly householdId: string, readonly body: VerifyEligibilityDto) {
    super();
  }
}

@CommandHandler(VerifyEligibilityCommand)
export class VerifyEligibilityHandler implements ICommandHandler<VerifyEligibilityCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, householdId, body }: VerifyEligibilityCommand) {
    await this.commands.run(householdDecider, streams.household(householdId), {
      type: 'VerifyEligibility',
      data: { householdId, category: body.category, verifierRegion: governmentRegion(context), now: this.commands.now() },
    }, context);
  }
}

export class RevokeEligibilityCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly householdId: string, readonly body: RevokeEligibilityDto) {
    super();
  }
}

@CommandHandler(RevokeEligibilityCommand)
export class RevokeEligibilityHandler implements ICommandHandler<RevokeEligibilityCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, householdId, body }: RevokeEligibilityCommand) {
    await this.commands.run(householdDecider, streams.household(householdId), {
      type: 'RevokeEligibility',
      data: { householdId, reason: body.reason, revokerRegion: governmentRegion(context), now: this.commands.now() },
    }, context);
  }
}

export class EraseHouseholdPersonalDataCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly householdId: string, readonly body: EraseHouseholdPersonalDataDto) {
    super();
  }
}

@CommandHandler(EraseHouseholdPersonalDataCommand)
export class EraseHouseholdPersonalDataHandler implements ICommandHandler<EraseHouseholdPersonalDataCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, householdId, body }: EraseHouseholdPersonalDataCommand) {
    await this.commands.run(householdDecider, streams.household(householdId), {
      type: 'EraseHouseholdPersonalData',
      data: { householdId, reason: body.reason, eraserRegion: governmentRegion(context), now: this.commands.now() },
    }, context);
  }
}

export const householdCommandHandlers = [RegisterHouseholdHandler, VerifyEligibilityHandler, RevokeEligibilityHandler, EraseHouseholdPersonalDataHandler];
