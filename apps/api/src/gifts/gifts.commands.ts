import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { Conflict, giftDecider, GiftTarget, householdDecider, InvalidCommand, paymentReferenceDecider, PledgedGift, productDecider, programmeDecider, streams } from '@pangolin/domain';
import type { Decided } from '@pangolin/application';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { deciderCommandHandler, UserCommand } from '../infrastructure/decider-command';
import { RequestContext } from '../http/request-context';
import { ConfirmPaymentDto, PledgeGiftDto } from './gifts.dto';

export class PledgeGiftCommand extends UserCommand<PledgeGiftDto, { giftId: string }> {}

/**
 * Checks the target before the pledge is recorded: the household or programme exists, the
 * product takes new policies and the gift is in the product's currency.
 */
export const PledgeGiftHandler = deciderCommandHandler(PledgeGiftCommand, giftDecider)({
  facts: async ({ context, input: body, commands }) => {
    if (context.user.role !== 'donor') throw new ForbiddenException('only donors give gifts');
    const target = await resolveTarget(commands, body);
    const product = await commands.state(productDecider, streams.product(target.productId));
    if (!product.published) throw new NotFoundException(`product ${target.productId} not found`);
    if (product.retired) throw new Conflict(`product ${target.productId} is retired and takes no new policies`, 'product.retired');
    if (product.terms.annualPremium.currency !== body.amount.currency) {
      throw new InvalidCommand('amount.currency', `must be ${product.terms.annualPremium.currency}, the currency of the product's premium`);
    }
    return { target, giftId: context.newId() };
  },
  stream: ({ facts }) => streams.gift(facts.giftId),
  command: ({ context, input: { amount, remainder }, now, facts: { giftId, target } }) => ({ type: 'PledgeGift', data: { giftId, donorId: context.user.userId, amount, target, remainder, now } }),
  answer: ({ facts: { giftId } }) => ({ giftId }),
});

async function resolveTarget(commands: CommandRunner, body: PledgeGiftDto): Promise<GiftTarget> {
  if (body.target.kind === 'household') {
    const { householdId, productId } = body.target as { householdId: string; productId: string };
    const household = await commands.state(householdDecider, streams.household(householdId));
    if (!household.registered) throw new NotFoundException(`household ${householdId} not found`);
    if (!household.eligible) throw new Conflict(`household ${household.householdCode} is not verified as eligible, so it cannot receive gifts yet`, 'household.not-verified', { householdCode: household.householdCode });
    return { kind: 'household', householdId, productId };
  }
  const programmeId = body.target.programmeId as string;
  const programme = await commands.state(programmeDecider, streams.programme(programmeId));
  if (!programme.launched) throw new NotFoundException(`programme ${programmeId} not found`);
  if (programme.closed) throw new Conflict(`programme ${programme.name} is closed`, 'programme.closed', { name: programme.name });
  return { kind: 'programme', programmeId, regionCode: programme.regionCode, productId: programme.productId };
}

/** A pledged gift, as its donor (or an admin, mayAdminSee) may see it; to anyone else it does not exist (404). */
async function pledgedGift(commands: CommandRunner, giftId: string, context: RequestContext, mayAdminSee: boolean): Promise<PledgedGift> {
  const gift = await commands.state(giftDecider, streams.gift(giftId));
  const { role, userId } = context.user;
  if (gift.pledged && ((mayAdminSee && role === 'admin') || (role === 'donor' && gift.donorId === userId))) return gift;
  throw new NotFoundException(`gift ${giftId} not found`);
}

export class ConfirmPaymentCommand extends UserCommand<{ giftId: string; body: ConfirmPaymentDto }, Decided<unknown, unknown>> {}

export const ConfirmPaymentHandler = deciderCommandHandler(ConfirmPaymentCommand, giftDecider)({
  facts: async ({ context, input: { giftId }, commands }) => ({ gift: await pledgedGift(commands, giftId, context, true) }),
  stream: ({ input }) => streams.gift(input.giftId),
  command: ({ input: { giftId, body }, now }) => ({ type: 'ConfirmPayment', data: { giftId, paymentReference: body.paymentReference, amount: body.amount, now } }),
  // Nothing is written for a payment the gift would refuse (wrong amount, already paid); then the
  // reference is reserved for this gift, so on another gift it is refused before anything is paid.
  // Not settled alone: the payment's settling covers the reservation's consequences too.
  first: {
    state: ({ gift }) => gift,
    write: ({ context, commands, input: { giftId, body: { paymentReference } }, now }) =>
      commands.run(paymentReferenceDecider, streams.paymentReference(paymentReference), { type: 'ReservePaymentReference', data: { paymentReference, giftId, now } }, context, { settle: false }),
  },
  answer: ({ decided }) => decided,
});

export class WithdrawPledgeCommand extends UserCommand<{ giftId: string }> {}

/** A donor takes back their own unpaid pledge; to anyone else the gift does not exist (404). */
export const WithdrawPledgeHandler = deciderCommandHandler(WithdrawPledgeCommand, giftDecider)({
  facts: async ({ context, input: { giftId }, commands }) => {
    await pledgedGift(commands, giftId, context, false);
  },
  stream: ({ input }) => streams.gift(input.giftId),
  command: ({ context, input: { giftId }, now }) => ({ type: 'WithdrawPledge', data: { giftId, donorId: context.user.userId, now } }),
});

export const giftCommandHandlers = [PledgeGiftHandler, ConfirmPaymentHandler, WithdrawPledgeHandler];
