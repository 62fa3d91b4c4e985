import { ForbiddenException, Inject, NotFoundException } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { householdDecider, policyDecider, policyNumberDecider, PolicyState, regionContains, streams } from '@pangolin/domain';
import { PANGOLIN_CONFIG, PangolinConfig } from '@pangolin/runtime';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { deciderCommandHandler, handleDeciderCommand, UserCommand } from '../infrastructure/decider-command';
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

export class IssuePolicyCommand extends UserCommand<{ policyId: string; body: IssuePolicyDto }> {}

@CommandHandler(IssuePolicyCommand)
export class IssuePolicyHandler implements ICommandHandler<IssuePolicyCommand> {
  constructor(private readonly commands: CommandRunner, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  execute(command: IssuePolicyCommand) {
    return handleDeciderCommand(this.commands, command, policyDecider)({
      facts: async ({ context, input: { policyId }, commands }) => ({ insurerId: actingInsurer(context), policy: await policyVisibleTo(commands, policyId, context) }),
      stream: ({ input }) => streams.policy(input.policyId),
      command: ({ input: { policyId, body: { policyNumber, startDate } }, now, facts: { insurerId } }) => ({ type: 'IssuePolicy', data: { policyId, insurerId, policyNumber, startDate, startWindowDays: this.config.policyStartWindowDays, now } }),
      // Nothing is written for an issue the policy would refuse; then the number is reserved for this
      // policy, so the same number on another household's policy is refused before anything is issued.
      first: {
        state: ({ policy }) => policy,
        write: ({ context, commands, input: { policyId, body: { policyNumber } }, now, facts: { insurerId, policy } }) =>
          commands.run(policyNumberDecider, streams.policyNumber(insurerId, policyNumber), { type: 'ReservePolicyNumber', data: { insurerId, policyNumber, policyId, householdId: policy.householdId, now } }, context),
      },
    });
  }
}

export class CancelPolicyCommand extends UserCommand<{ policyId: string; body: CancelPolicyDto }> {}

export const CancelPolicyHandler = deciderCommandHandler(CancelPolicyCommand, policyDecider)({
  facts: async ({ context, input: { policyId }, commands }) => {
    const insurerId = context.user.role === 'admin' ? null : actingInsurer(context);
    await policyVisibleTo(commands, policyId, context);
    return { insurerId };
  },
  stream: ({ input }) => streams.policy(input.policyId),
  command: ({ input: { policyId, body }, now, facts: { insurerId } }) => ({ type: 'CancelPolicy', data: { policyId, insurerId, reason: body.reason, effectiveDate: body.effectiveDate, now } }),
});

export class ExpirePolicyCommand extends UserCommand<{ policyId: string }> {}

/** Judged on the server's clock: a caller cannot say what day it is. */
export const ExpirePolicyHandler = deciderCommandHandler(ExpirePolicyCommand, policyDecider)({
  facts: async ({ context, input: { policyId }, commands }) => {
    if (context.user.role !== 'admin' && context.user.role !== 'insurer') throw new ForbiddenException('only the insurer or an admin can expire a policy');
    await policyVisibleTo(commands, policyId, context);
  },
  stream: ({ input }) => streams.policy(input.policyId),
  command: ({ input: { policyId }, now }) => ({ type: 'ExpirePolicy', data: { policyId, now } }),
});

export const policyCommandHandlers = [IssuePolicyHandler, CancelPolicyHandler, ExpirePolicyHandler];
