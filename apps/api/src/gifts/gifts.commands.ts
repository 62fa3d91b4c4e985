import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Conflict, giftDecider, GiftTarget, householdDecider, InvalidCommand, paymentReferenceDecider, productDecider, programmeDecider, streams } from '@pangolin/domain';
import type { Decided } from '@pangolin/application';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { ConfirmPaymentDto, PledgeGiftDto } from './gifts.dto';

export class PledgeGiftCommand extends Command<{ giftId: string }> {
  constructor(readonly context: RequestContext, readonly body: PledgeGiftDto) {
    super();
  }
}

/**
 * Checks the target before the pledge is recorded: the household or programme exists, the
 * product takes new policies and the gift is in the product's currency.
 */
@CommandHandler(PledgeGiftCommand)
export class PledgeGiftHandler implements ICommandHandler<PledgeGiftCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, body }: PledgeGiftCommand) {
    if (context.user.role !== 'donor') throw new ForbiddenException('only donors give gifts');
    const target = await this.resolveTarget(body);
    const product = await this.commands.state(productDecider, streams.product(target.productId));
    if (!product.published) throw new NotFoundException(`product ${target.productId} not found`);
    if (product.retired) throw new Conflict(`product ${target.productId} is retired and takes no new policies`, 'product.retired');
    if (product.terms.annualPremium.currency !== body.amount.currency) {
      throw new InvalidCommand('amount.currency', `must be ${product.terms.annualPremium.currency}, the currency of the product's premium`);
    }
    const giftId = context.newId();
    await this.commands.run(giftDecider, streams.gift(giftId), {
      type: 'PledgeGift',
      data: { giftId, donorId: context.user.userId, amount: body.amount, target, remainder: body.remainder, now: this.commands.now() },
    }, context);
    return { giftId };
  }

  private async resolveTarget(body: PledgeGiftDto): Promise<GiftTarget> {
    if (body.target.kind === 'household') {
      const { householdId, productId } = body.target as { householdId: string; productId: string };
      const household = await this.commands.state(householdDecider, streams.household(householdId));
      if (!household.registered) throw new NotFoundException(`household ${householdId} not found`);
      if (!household.eligible) throw new Conflict(`household ${household.householdCode} is not verified as eligible, so it cannot receive gifts yet`, 'household.not-verified', { householdCode: household.householdCode });
      return { kind: 'household', householdId, productId };
    }
    const programmeId = body.target.programmeId as string;
    const programme = await this.commands.state(programmeDecider, streams.programme(programmeId));
    if (!programme.launched) throw new NotFoundException(`programme ${programmeId} not found`);
    if (programme.closed) throw new Conflict(`programme ${programme.name} is closed`, 'programme.closed', { name: programme.name });
    return { kind: 'programme', programmeId, regionCode: programme.regionCode, productId: programme.productId };
  }
}

export class ConfirmPaymentCommand extends Command<Decided<unknown, unknown>> {
  constructor(readonly context: RequestContext, readonly giftId: string, readonly body: ConfirmPaymentDto) {
    super();
  }
}

@CommandHandler(ConfirmPaymentCommand)
export class ConfirmPaymentHandler implements ICommandHandler<ConfirmPaymentCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, giftId, body }: ConfirmPaymentCommand) {
    const gift = await this.commands.state(giftDecider, streams.gift(giftId));
    const mayConfirm = context.user.role === 'admin' || (context.user.role === 'donor' && gift.pledged && gift.donorId === context.user.userId);
    if (!gift.pledged || !mayConfirm) throw new NotFoundException(`gift ${giftId} not found`);
    const { paymentReference } = body;
    const confirm = { type: 'ConfirmPayment' as const, data: { giftId, paymentReference, amount: body.amount, now: this.commands.now() } };
    // Nothing is written for a payment the gift would refuse (wrong amount, already paid); then the
    // reference is reserved for this gift, so on another gift it is refused before anything is paid.
    giftDecider.decide(confirm, gift);
    await this.commands.run(paymentReferenceDecider, streams.paymentReference(paymentReference), { type: 'ReservePaymentReference', data: { paymentReference, giftId, now: confirm.data.now } }, context, { settle: false });
    return this.commands.run(giftDecider, streams.gift(giftId), confirm, context);
  }
}

export class WithdrawPledgeCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly giftId: string) {
    super();
  }
}

/** A donor takes back their own unpaid pledge; to anyone else the gift does not exist (404). */
@CommandHandler(WithdrawPledgeCommand)
export class WithdrawPledgeHandler implements ICommandHandler<WithdrawPledgeCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, giftId }: WithdrawPledgeCommand) {
    const gift = await this.commands.state(giftDecider, streams.gift(giftId));
    if (!gift.pledged || context.user.role !== 'donor' || gift.donorId !== context.user.userId) throw new NotFoundException(`gift ${giftId} not found`);
    await this.commands.run(giftDecider, streams.gift(giftId), { type: 'WithdrawPledge', data: { giftId, donorId: context.user.userId, now: this.commands.now() } }, context);
  }
}

export const giftCommandHandlers = [PledgeGiftHandler, ConfirmPaymentHandler, WithdrawPledgeHandler];
