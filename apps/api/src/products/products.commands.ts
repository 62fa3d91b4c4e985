import { ForbiddenException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { productDecider, streams } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { PublishProductDto, toProductTerms } from './products.dto';

/** The insurer a user acts for; only insurers manage products. */
export function actingInsurer(context: RequestContext): string {
  if (context.user.role !== 'insurer' || !context.user.insurerId) throw new ForbiddenException('only an insurer can do this');
  return context.user.insurerId;
}

export class PublishProductCommand extends Command<{ productId: string; version: number }> {
  constructor(readonly context: RequestContext, readonly body: PublishProductDto) {
    super();
  }
}

@CommandHandler(PublishProductCommand)
export class PublishProductHandler implements ICommandHandler<PublishProductCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, body }: PublishProductCommand) {
    const productId = context.newId();
    await this.commands.run(productDecider, streams.product(productId), { type: 'PublishProduct', data: { productId, insurerId: actingInsurer(context), terms: toProductTerms(body.terms), now: this.commands.now() } }, context);
    return { productId, version: 1 };
  }
}

export class ReviseProductCommand extends Command<{ productId: string; version: number }> {
  constructor(readonly context: RequestContext, readonly productId: string, readonly body: PublishProductDto) {
    super();
  }
}

@CommandHandler(ReviseProductCommand)
export class ReviseProductHandler implements ICommandHandler<ReviseProductCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, productId, body }: ReviseProductCommand) {
    const { state } = await this.commands.run(productDecider, streams.product(productId), { type: 'ReviseProduct', data: { productId, insurerId: actingInsurer(context), terms: toProductTerms(body.terms), now: this.commands.now() } }, context);
    return { productId, version: state.published ? state.version : 0 };
  }
}

export class RetireProductCommand extends Command<void> {
  constructor(readonly context: RequestContext, readonly productId: string) {
    super();
  }
}

@CommandHandler(RetireProductCommand)
export class RetireProductHandler implements ICommandHandler<RetireProductCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, productId }: RetireProductCommand) {
    await this.commands.run(productDecider, streams.product(productId), { type: 'RetireProduct', data: { productId, insurerId: actingInsurer(context), now: this.commands.now() } }, context);
  }
}

export const productCommandHandlers = [PublishProductHandler, ReviseProductHandler, RetireProductHandler];
