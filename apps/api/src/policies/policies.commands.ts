import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { householdDecider, policyDecider, PolicyState, regionContains, streams } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { actingInsurer } from '../products/products.commands';
import { CancelPolicyDto, ExpirePolicyDto, IssuePolicyDto } from './policies.dto';

/**
 * A policy exists for its insurer, the government of its household's region and admins; to
 * anyone else it does not (404 rather than 403, so its existence does not leak).
 */
export async function policyVisibleTo(commands: CommandRunner, policyId: string, context: RequestContext): Promise<Exclude<PolicyState, { status: 'none' }>> {
  const policy = await commands.state(policyDecider, streams.policy(policyId));
  if (policy.status !== 'none') {
    const { role, insurerId, regionCode } = context.user;
    if (role === 'admin' || (role === 'insurer' && insurerId === policy.insurerId)) return policy;
    if (role === 'government' && regionCode) {
      const household = await commands.state(householdDecider, streams.household(policy.householdId));
      if (household.registered && regionContains(regionCode, household.villageCode)) return policy;
    }
  }
  throw new NotFoundException(`policy ${policyId} not found`);
}

export class IssuePolicyCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly policyId: string, readonly body: IssuePolicyDto) {
    super();
  }
}

@CommandHandler(IssuePolicyCommand)
export class IssuePolicyHandler implements ICommandHandler<IssuePolicyCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, policyId, body }: IssuePolicyCommand) {
    const insurerId = actingInsurer(context);
    await policyVisibleTo(this.commands, policyId, context);
    await this.commands.run(policyDecider, streams.policy(policyId), { type: 'IssuePolicy', data: { policyId, insurerId, policyNumber: body.policyNumber, startDate: body.startDate, now: this.commands.now() } }, context);
  }
}

export class CancelPolicyCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly policyId: string, readonly body: CancelPolicyDto) {
    super();
  }
}

@CommandHandler(CancelPolicyCommand)
export class CancelPolicyHandler implements ICommandHandler<CancelPolicyCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, policyId, body }: CancelPolicyCommand) {
    const insurerId = context.user.role === 'admin' ? null : actingInsurer(context);
    await policyVisibleTo(this.commands, policyId, context);
    await this.commands.run(policyDecider, streams.policy(policyId), { type: 'CancelPolicy', data: { policyId, insurerId, reason: body.reason, effectiveDate: body.effectiveDate, now: this.commands.now() } }, context);
  }
}

export class ExpirePolicyCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly policyId: string, readonly body: ExpirePolicyDto) {
    super();
  }
}

@CommandHandler(ExpirePolicyCommand)
export class ExpirePolicyHandler implements ICommandHandler<ExpirePolicyCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, policyId, body }: ExpirePolicyCommand) {
    if (context.user.role !== 'admin' && context.user.role !== 'insurer') throw new ForbiddenException('only the insurer or an admin can expire a policy');
    await policyVisibleTo(this.commands, policyId, context);
    const now = this.commands.now();
    await this.commands.run(policyDecider, streams.policy(policyId), { type: 'ExpirePolicy', data: { policyId, today: body.today ?? now.slice(0, 10), now } }, context);
  }
}

export const policyCommandHandlers = [IssuePolicyHandler, CancelPolicyHandler, ExpirePolicyHandler];
