import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { streams } from '@pangolin/domain';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { MoneyPromises } from '../transparency/money-promises.service';
import { ConfirmPaymentCommand, PledgeGiftCommand, WithdrawPledgeCommand } from './gifts.commands';
import { ConfirmPaymentDto, PledgeGiftDto } from './gifts.dto';

@ApiTags('gifts')
@ApiBearerAuth()
@Controller('gifts')
export class GiftsController {
  constructor(private readonly commandBus: CommandBus, private readonly promises: MoneyPromises) {}

  @Post()
  @IdempotentCreationRoute(createdByEvent(streams.gift, (giftId) => ({ giftId })))
  @Roles('donor')
  @ApiOperation({ summary: 'Pledge a gift to a household\'s premium or to a programme (donor)' })
  pledge(@Ctx() context: RequestContext, @Body() body: PledgeGiftDto) {
    return this.commandBus.execute(new PledgeGiftCommand(context, body));
  }

  @Post(':giftId/payment')
  @HttpCode(200)
  @Roles('donor', 'admin')
  @ApiOperation({ summary: 'Confirm the payment of a pledged gift; the same payment reference twice is one payment. `promise` is the log\'s signed promise to hold the payment in a checkpoint within its maximum merge delay (check it with `pangolin-verify promise`)' })
  async confirmPayment(@Ctx() context: RequestContext, @Param('giftId', ParseUuidParam) giftId: string, @Body() body: ConfirmPaymentDto) {
    const decided = await this.commandBus.execute(new ConfirmPaymentCommand(context, { giftId, body }));
    return { giftId, paymentReference: body.paymentReference, confirmed: true, promise: (await this.promises.promiseFor(decided)) ?? null };
  }

  @Post(':giftId/withdrawal')
  @HttpCode(200)
  @Roles('donor')
  @ApiOperation({ summary: 'Withdraw your own pledge before it is paid (409 once paid); unpaid pledges also expire after PLEDGE_EXPIRY_HOURS' })
  async withdraw(@Ctx() context: RequestContext, @Param('giftId', ParseUuidParam) giftId: string) {
    await this.commandBus.execute(new WithdrawPledgeCommand(context, { giftId }));
    return { giftId, status: 'withdrawn' };
  }
}
