import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { streams, householdCodeFor } from '@pangolin/domain';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { CheckHouseholdImportCommand, EraseHouseholdPersonalDataCommand, RegisterHouseholdCommand, RegisterHouseholdImportCommand, RevokeEligibilityCommand, VerifyEligibilityCommand } from './households.commands';
import { CheckHouseholdImportDto, EraseHouseholdPersonalDataDto, RegisterHouseholdDto, RegisterHouseholdImportDto, RevokeEligibilityDto, VerifyEligibilityDto } from './households.dto';

@ApiTags('households')
@ApiBearerAuth()
@Controller('households')
export class HouseholdsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @IdempotentCreationRoute(createdByEvent(streams.household, (householdId) => ({ householdId, householdCode: householdCodeFor(householdId) })), { fingerprintOmits: ['personal'] })
  @Roles('government')
  @ApiOperation({ summary: 'Register a household in one of your villages (government)' })
  register(@Ctx() context: RequestContext, @Body() body: RegisterHouseholdDto) {
    return this.commandBus.execute(new RegisterHouseholdCommand(context, body));
  }

  @Post('imports/check')
  @HttpCode(200)
  @Roles('government')
  @ApiOperation({ summary: 'Check the rows of a household import as their registrations would be checked, writing nothing: each row fine, or its broken rules, or its refusal (government)' })
  checkImport(@Ctx() context: RequestContext, @Body() body: CheckHouseholdImportDto) {
    return this.commandBus.execute(new CheckHouseholdImportCommand(context, body.rows));
  }

  @Post('imports/register')
  @HttpCode(200)
  @Roles('government')
  @ApiOperation({
    summary: 'Register the rows of a household import, at most 200 per request, and verify them if asked: each row registered (or already registered by this import), or refused as the check says it (government)',
    description: 'Each row\'s household id comes from the caller, importId and row, so sending the same rows again (a lost answer, a retry) registers nobody twice. A refused row leaves nothing written.',
  })
  registerImport(@Ctx() context: RequestContext, @Body() body: RegisterHouseholdImportDto) {
    return this.commandBus.execute(new RegisterHouseholdImportCommand(context, body));
  }

  @Post(':householdId/eligibility/verify')
  @HttpCode(200)
  @Roles('government')
  @ApiOperation({ summary: 'Verify that a household is eligible, under a category (government)' })
  async verify(@Ctx() context: RequestContext, @Param('householdId', ParseUuidParam) householdId: string, @Body() body: VerifyEligibilityDto) {
    await this.commandBus.execute(new VerifyEligibilityCommand(context, { householdId, body }));
    return { householdId, eligible: true, category: body.category };
  }

  @Post(':householdId/eligibility/revoke')
  @HttpCode(200)
  @Roles('government')
  @ApiOperation({ summary: 'Revoke a household\'s eligibility (government)' })
  async revoke(@Ctx() context: RequestContext, @Param('householdId', ParseUuidParam) householdId: string, @Body() body: RevokeEligibilityDto) {
    await this.commandBus.execute(new RevokeEligibilityCommand(context, { householdId, body }));
    return { householdId, eligible: false };
  }

  @Post(':householdId/erasure')
  @HttpCode(200)
  @Roles('government')
  @ApiOperation({ summary: 'Erase a household\'s personal data for good: its key is destroyed, every view shows it as erased (the registering government)' })
  async erase(@Ctx() context: RequestContext, @Param('householdId', ParseUuidParam) householdId: string, @Body() body: EraseHouseholdPersonalDataDto) {
    await this.commandBus.execute(new EraseHouseholdPersonalDataCommand(context, { householdId, body }));
    return { householdId, personalDataErased: true };
  }
}
