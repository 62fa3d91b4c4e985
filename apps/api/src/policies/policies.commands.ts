import { ForbiddenException, Inject, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { householdDecider, IssuePolicy, policyDecider, policyNumberDecider, PolicyState, regionContains, streams } from '@pangolin/domain';
import { PANGOLIN_CONFIG, PangolinConfig } from '@pangolin/runtime';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { actingInsurer } from '../products/products.commands';
import { CancelPolicyDto, IssuePolicyDto } from './policies.dto';

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
  constructor(private readonly commands: CommandRunner, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  async execute({ context, policyId, body }: IssuePolicyCommand) {
    const insurerId = actingInsurer(context);
    const policy = await policyVisibleTo(this.commands, policyId, context);
    const { policyNumber, startDate } = body;
    const issue: IssuePolicy = { type: 'IssuePolicy', data: { policyId, insurerId, policyNumber, startDate, startWindowDays: this.config.policyStartWindowDays, now: this.commands.now() } };
    // Nothing is written for an issue the policy would refuse; then the number is reserved for this
    // policy, so the same number on another household's policy is refused before anything is issued.
    policyDecider.decide(issue, policy);
    await this.commands.run(policyNumberDecider, streams.policyNumber(insurerId, policyNumber), {
      type: 'ReservePolicyNumber',
      data: { insurerId, policyNumber, policyId, householdId: policy.householdId, now: issue.data.now },
    }, context);
    await this.commands.run(policyDecider, streams.policy(policyId), issue, context);
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
  constructor(readonly context: RequestContext, readonly policyId: string) {
    super();
  }
}

@CommandHandler(ExpirePolicyCommand)
export class ExpirePolicyHandler implements ICommandHandler<ExpirePolicyCommand> {
  constructor(private readonly commands: CommandRunner) {}

  /** Judged on the server's clock: a caller cannot say what day it is. */
  async execute({ context, policyId }: ExpirePolicyCommand) {
    if (context.user.role !== 'admin' && context.user.role !== 'insurer') throw new ForbiddenException('only the insurer or an admin can expire a policy');
    await policyVisibleTo(this.commands, policyId, context);
    await this.commands.run(policyDecider, streams.policy(policyId), { type: 'ExpirePolicy', data: { policyId, now: this.commands.now() } }, context);
  }
}

export const policyCommandHandlers = [IssuePolicyHandler, CancelPolicyHandler, ExpirePolicyHandler];
