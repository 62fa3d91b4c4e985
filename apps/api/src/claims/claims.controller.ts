import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { streams } from '@pangolin/domain';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { MoneyPromises } from '../transparency/money-promises.service';
import { DecideClaimCommand, FileClaimCommand } from './claims.commands';
import { ApproveClaimDto, FileClaimDto, PayClaimDto, RejectClaimDto } from './claims.dto';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('policies/:policyId/claims')
export class ClaimsController {
  constructor(private readonly commandBus: CommandBus, private readonly promises: MoneyPromises) {}

  @Post()
  @IdempotentCreationRoute(createdByEvent((_, { policyId }) => streams.policy(policyId), (claimId, { policyId }) => ({ claimId, policyId, status: 'filed' })))
  @Roles('insurer', 'government')
  @ApiOperation({ summary: 'File a claim against an active policy (insurer of record or the household\'s government)' })
  file(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Body() body: FileClaimDto) {
    return this.commandBus.execute(new FileClaimCommand(context, { policyId, body }));
  }

  @Post(':claimId/approve')
  @HttpCode(200)
  @Roles('insurer')
  @ApiOperation({ summary: 'Approve a claim in full or in part (insurer of record)' })
  async approve(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Param('claimId', ParseUuidParam) claimId: string, @Body() body: ApproveClaimDto) {
    await this.commandBus.execute(new DecideClaimCommand(context, { policyId, claimId, decision: { kind: 'approve', body } }));
    return { claimId, status: 'approved' };
  }

  @Post(':claimId/reject')
  @HttpCode(200)
  @Roles('insurer')
  @ApiOperation({ summary: 'Reject a claim with a reason (insurer of record)' })
  async reject(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Param('claimId', ParseUuidParam) claimId: string, @Body() body: RejectClaimDto) {
    await this.commandBus.execute(new DecideClaimCommand(context, { policyId, claimId, decision: { kind: 'reject', body } }));
    return { claimId, status: 'rejected' };
  }

  @Post(':claimId/payment')
  @HttpCode(200)
  @Roles('insurer')
  @ApiOperation({ summary: 'Record the payout of an approved claim to the household (insurer of record). `promise` is the log\'s signed promise to hold the payout in a checkpoint within its maximum merge delay' })
  async pay(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Param('claimId', ParseUuidParam) claimId: string, @Body() body: PayClaimDto) {
    const decided = await this.commandBus.execute(new DecideClaimCommand(context, { policyId, claimId, decision: { kind: 'pay', body } }));
    return { claimId, status: 'paid', payoutReference: body.payoutReference, promise: (await this.promises.promiseFor(decided)) ?? null };
  }
}
