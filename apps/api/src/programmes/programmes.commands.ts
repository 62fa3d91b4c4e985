import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { Conflict, productDecider, programmeDecider, streams } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { deciderCommandHandler, UserCommand } from '../infrastructure/decider-command';
import { CloseProgrammeDto, LaunchProgrammeDto } from './programmes.dto';

/** Governments run programmes in their own region; an admin may run one anywhere (null). */
function programmeAuthority(context: RequestContext): string | null {
  if (context.user.role === 'admin') return null;
  if (context.user.role === 'government' && context.user.regionCode) return context.user.regionCode;
  throw new ForbiddenException('only a local government or an admin can run programmes');
}

export class LaunchProgrammeCommand extends UserCommand<LaunchProgrammeDto, { programmeId: string }> {}

export const LaunchProgrammeHandler = deciderCommandHandler(LaunchProgrammeCommand, programmeDecider)({
  facts: async ({ context, input: { productId }, commands }) => {
    const launcherRegion = programmeAuthority(context);
    const product = await commands.state(productDecider, streams.product(productId));
    if (!product.published) throw new NotFoundException(`product ${productId} not found`);
    if (product.retired) throw new Conflict(`product ${productId} is retired and takes no new policies`, 'product.retired');
    return { launcherRegion, programmeId: context.newId() };
  },
  stream: ({ facts }) => streams.programme(facts.programmeId),
  command: ({ input: { name, regionCode, productId }, now, facts: { programmeId, launcherRegion } }) => ({ type: 'LaunchProgramme', data: { programmeId, name, regionCode, productId, launcherRegion, now } }),
  answer: ({ facts: { programmeId } }) => ({ programmeId }),
});

export class CloseProgrammeCommand extends UserCommand<{ programmeId: string; body: CloseProgrammeDto }> {}

export const CloseProgrammeHandler = deciderCommandHandler(CloseProgrammeCommand, programmeDecider)({
  stream: ({ input }) => streams.programme(input.programmeId),
  command: ({ context, input: { programmeId, body }, now }) => ({ type: 'CloseProgramme', data: { programmeId, reason: body.reason, closerRegion: programmeAuthority(context), now } }),
});

export const programmeCommandHandlers = [LaunchProgrammeHandler, CloseProgrammeHandler];
