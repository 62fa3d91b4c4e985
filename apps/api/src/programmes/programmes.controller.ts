import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { streams } from '@pangolin/domain';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { CloseProgrammeCommand, LaunchProgrammeCommand } from './programmes.commands';
import { CloseProgrammeDto, LaunchProgrammeDto } from './programmes.dto';

@ApiTags('programmes')
@ApiBearerAuth()
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @IdempotentCreationRoute(createdByEvent(streams.programme, (programmeId) => ({ programmeId })))
  @Roles('government', 'admin')
  @ApiOperation({ summary: 'Launch a programme that covers eligible households of a region with a product' })
  launch(@Ctx() context: RequestContext, @Body() body: LaunchProgrammeDto) {
    return this.commandBus.execute(new LaunchProgrammeCommand(context, body));
  }

  @Post(':programmeId/close')
  @HttpCode(200)
  @Roles('government', 'admin')
  @ApiOperation({ summary: 'Close a programme to new gifts' })
  async close(@Ctx() context: RequestContext, @Param('programmeId', ParseUuidParam) programmeId: string, @Body() body: CloseProgrammeDto) {
    await this.commandBus.execute(new CloseProgrammeCommand(context, { programmeId, body }));
    return { programmeId, closed: true };
  }
}
