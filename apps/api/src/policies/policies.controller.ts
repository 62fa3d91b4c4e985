import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { eventData, streams } from '@pangolin/domain';
import { Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { CancelPolicyCommand, ExpirePolicyCommand, IssuePolicyCommand } from './policies.commands';
import { CancelPolicyDto, IssuePolicyDto } from './policies.dto';

@ApiTags('policies')
@ApiBearerAuth()
@Controller('policies')
export class PoliciesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':policyId/issue')
  @HttpCode(200)
  // A retry (an insurer's bulk issue run again) gets the first answer and issues nothing twice.
  @IdempotentCreationRoute(createdByEvent((_, { policyId }) => streams.policy(policyId), (_, { policyId }, issued) => ({ policyId, status: 'active', policyNumber: eventData(issued, 'PolicyIssued').policyNumber })))
  @Roles('insurer')
  @ApiOperation({ summary: 'Issue a requested (fully funded) policy; its premium moves to the insurer' })
  async issue(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Body() body: IssuePolicyDto) {
    await this.commandBus.execute(new IssuePolicyCommand(context, { policyId, body }));
    return { policyId, status: 'active', policyNumber: body.policyNumber };
  }

  @Post(':policyId/cancel')
  @HttpCode(200)
  @Roles('insurer', 'admin')
  @ApiOperation({ summary: 'Cancel a policy; the unearned premium goes back, pro rata, to the gifts that paid it' })
  async cancel(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Body() body: CancelPolicyDto) {
    await this.commandBus.execute(new CancelPolicyCommand(context, { policyId, body }));
    return { policyId, status: 'cancelled' };
  }

  @Post(':policyId/expire')
  @HttpCode(200)
  @Roles('insurer', 'admin')
  @ApiOperation({ summary: 'Expire a policy whose period has ended by the server\'s clock (409 before); funding for the household reopens' })
  async expire(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string) {
    await this.commandBus.execute(new ExpirePolicyCommand(context, { policyId }));
    return { policyId, status: 'expired' };
  }
}
