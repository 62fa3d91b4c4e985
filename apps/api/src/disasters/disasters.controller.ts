import { Body, Controller, Get, HttpCode, Param, Post, Query as QueryParam } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { streams } from '@pangolin/domain';
import type { PageRequest } from '@pangolin/read-models';
import { CurrentUser, Principal, Public, Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { BOOLEAN_SCHEMA, booleanParameter, Paging, PAGING_CONVENTION } from '../http/paging';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { ConfirmDeclarationDto, DeclareDisasterDto, DisputeDeclarationDto } from './disasters.dto';
import { DisastersService } from './disasters.service';

@ApiTags('disasters')
@Controller('disasters/declarations')
export class DisastersController {
  constructor(private readonly disasters: DisastersService) {}

  @Post()
  @IdempotentCreationRoute(createdByEvent(streams.disasterDeclaration, (declarationId) => ({ declarationId, status: 'declared' })))
  @ApiBearerAuth()
  @Roles('government')
  @ApiOperation({ summary: 'Declare a disaster in (part of) your region (government)' })
  declare(@Ctx() context: RequestContext, @Body() body: DeclareDisasterDto) {
    return this.disasters.declare(context, body);
  }

  @Post(':declarationId/confirm')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('insurer')
  @ApiOperation({ summary: 'Confirm a declaration: every policy of your parametric products covering its peril in the area is paid, in batches (insurer)' })
  confirm(@Ctx() context: RequestContext, @Param('declarationId', ParseUuidParam) declarationId: string, @Body() body: ConfirmDeclarationDto) {
    return this.disasters.confirm(context, declarationId, body);
  }

  @Post(':declarationId/dispute')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('insurer')
  @ApiOperation({ summary: 'Dispute a declaration, with a reason (insurer)' })
  dispute(@Ctx() context: RequestContext, @Param('declarationId', ParseUuidParam) declarationId: string, @Body() body: DisputeDeclarationDto) {
    return this.disasters.dispute(context, declarationId, body);
  }

  @Public()
  @Get()
  @ApiBearerAuth() // optional: the area's government and the confirming insurers see more
  @ApiOperation({ summary: `Disaster declarations, newest first, with their answers and the households and amount paid (anyone). ${PAGING_CONVENTION}` })
  @ApiQuery({ name: 'mine', required: false, schema: BOOLEAN_SCHEMA, description: 'A government: those declared within its region; an insurer: those of a peril one of its parametric products covers' })
  list(@CurrentUser() user: Principal | undefined, @QueryParam('mine') mine: string | undefined, @Paging() page: PageRequest) {
    return this.disasters.list(user, page, booleanParameter('mine', mine) ?? false);
  }

  @Public()
  @Get(':declarationId')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A declaration and its progress: status, answers, households and amount paid (anyone)' })
  get(@CurrentUser() user: Principal | undefined, @Param('declarationId', ParseUuidParam) declarationId: string) {
    return this.disasters.get(user, declarationId);
  }

  @Public()
  @Get(':declarationId/payouts')
  @ApiBearerAuth()
  @ApiOperation({ summary: `A declaration's payouts by household code; ids and payout references only for the area's government and the confirming insurers. ${PAGING_CONVENTION}` })
  payouts(@CurrentUser() user: Principal | undefined, @Param('declarationId', ParseUuidParam) declarationId: string, @Paging() page: PageRequest) {
    return this.disasters.payouts(user, declarationId, page);
  }

  @Public()
  @Get(':declarationId/uncovered')
  @ApiBearerAuth()
  @ApiOperation({ summary: `Eligible households of the declared area that the declaration paid nothing: where the next gift should go. ${PAGING_CONVENTION}` })
  uncovered(@CurrentUser() user: Principal | undefined, @Param('declarationId', ParseUuidParam) declarationId: string, @Paging() page: PageRequest) {
    return this.disasters.uncovered(user, declarationId, page);
  }
}
