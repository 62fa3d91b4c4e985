import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Conflict, productDecider, programmeDecider, streams } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { CloseProgrammeDto, LaunchProgrammeDto } from './programmes.dto';

/** Governments run programmes in their own region; an admin may run one anywhere (null). */
function programmeAuthority(context: RequestContext): string | null {
  if (context.user.role === 'admin') return null;
  if (context.user.role === 'government' && context.user.regionCode) return context.user.regionCode;
  throw new ForbiddenException('only a local government or an admin can run programmes');
}

export class LaunchProgrammeCommand extends Command<{ programmeId: string }> {
  constructor(readonly context: RequestContext, readonly body: LaunchProgrammeDto) {
    super();
  }
}

@CommandHandler(LaunchProgrammeCommand)
export class LaunchProgrammeHandler implements ICommandHandler<LaunchProgrammeCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, body }: LaunchProgrammeCommand) {
    const launcherRegion = programmeAuthority(context);
    const product = await this.commands.state(productDecider, streams.product(body.productId));
    if (!product.published) throw new NotFoundException(`product ${body.productId} not found`);
    if (product.retired) throw new Conflict(`product ${body.productId} is retired and takes no new policies`, 'product.retired');
    const programmeId = context.newId();
    await this.commands.run(programmeDecider, streams.programme(programmeId), {
      type: 'LaunchProgramme',
      data: { programmeId, name: body.name, regionCode: body.regionCode, productId: body.productId, launcherRegion, now: this.commands.now() },
    }, context);
    return { programmeId };
  }
}

export class CloseProgrammeCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly programmeId: string, readonly body: CloseProgrammeDto) {
    super();
  }
}

@CommandHandler(CloseProgrammeCommand)
export class CloseProgrammeHandler implements ICommandHandler<CloseProgrammeCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, programmeId, body }: CloseProgrammeCommand) {
    await this.commands.run(programmeDecider, streams.programme(programmeId), {
      type: 'CloseProgramme',
      data: { programmeId, reason: body.reason, closerRegion: programmeAuthority(context), now: this.commands.now() },
    }, context);
  }
}

export const programmeCommandHandlers = [LaunchProgrammeHandler, CloseProgrammeHandler];
