import { Inject, type Type } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Decided } from '@pangolin/application';
import type { Decider } from '@pangolin/domain';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from './command-runner.service';

/**
 * A user's command on the CommandBus: who is acting, and what the request gave (path ids, body).
 * `Answer` is what its handler answers (the controller makes the HTTP answer of it).
 */
export abstract class UserCommand<Input, Answer = void> extends Command<Answer> {
  constructor(readonly context: RequestContext, readonly input: Input) {
    super();
  }
}

/** What every step of a decider command sees: the request's context and input, and the one `now` of the command. */
export interface Acting<Input> {
  context: RequestContext;
  input: Input;
  /** The platform's clock, read once for the command (the commands' `now`, and any other stream's written for it). */
  now: string;
  commands: CommandRunner;
}

/**
 * One user's command decided on one stream, stated by what is its own: the steps below, each
 * given the request (`Acting`) and what `facts` found. The skeleton they fill is
 * handleDeciderCommand's.
 */
export interface DeciderCommandSpec<Input, Answer, Facts, C, S, E> {
  /**
   * Refusals (who may act, 404 for what the caller may not see) and the facts the decision needs
   * from other streams, read before anything is decided or written. Also where an id for what the
   * command creates is taken (`context.newId()`, once).
   */
  facts?(acting: Acting<Input>): Facts | Promise<Facts>;
  /** The stream the command is decided on and appended to. */
  stream(step: Acting<Input> & { facts: Facts }): string;
  command(step: Acting<Input> & { facts: Facts }): C;
  /**
   * Writes to other streams that must come before the command's own (a reservation of a number or
   * a reference, a release). The command is decided first on `state` (the stream as `facts` read
   * it), so nothing is written for a command its stream would refuse.
   */
  first?: {
    state(facts: Facts): S;
    write(step: Acting<Input> & { facts: Facts; command: C }): Promise<unknown>;
  };
  /** The handler's answer; without it, nothing (void). */
  answer?(step: Acting<Input> & { facts: Facts; decided: Decided<S, E> }): Answer;
}

/**
 * The skeleton of a user's command: read the clock once, check and gather the facts, build the
 * command, write what must come first (after deciding the command on the state read), run it
 * through the CommandRunner (the executor folds, decides and appends with the expected revision;
 * then the consequences settle), and answer. Refusals (the deciders' DomainErrors, Nest's
 * exceptions) are thrown as they are.
 *
 * For a handler that needs other services than the CommandRunner:
 * `handleDeciderCommand(this.commands, command, decider)({ ...steps })`. (Two calls: the steps are
 * typed by the decider's commands once the decider is known.)
 */
export function handleDeciderCommand<Input, Answer, C extends { type: string }, S, E extends { type: string; data: unknown }, R>(
  commands: CommandRunner,
  { context, input }: UserCommand<Input, Answer>,
  decider: Decider<C, S, E, R>,
) {
  return async <Facts = undefined>(spec: DeciderCommandSpec<Input, Answer, Facts, C, S, E>): Promise<Answer> => {
    const acting: Acting<Input> = { context, input, now: commands.now(), commands };
    const facts = (await spec.facts?.(acting)) as Facts;
    const step = { ...acting, facts };
    const command = spec.command(step);
    const streamId = spec.stream(step);
    if (spec.first) {
      decider.decide(command, spec.first.state(facts));
      await spec.first.write({ ...step, command });
    }
    const decided = await commands.run(decider, streamId, command, context);
    return spec.answer ? spec.answer({ ...step, decided }) : (undefined as Answer);
  };
}

/**
 * The CQRS handler of a command that needs nothing but the CommandRunner:
 * `deciderCommandHandler(SomeCommand, someDecider)({ ...steps })` is all it does
 * (handleDeciderCommand).
 */
export function deciderCommandHandler<Input, Answer, C extends { type: string }, S, E extends { type: string; data: unknown }, R>(
  commandType: Type<UserCommand<Input, Answer>>,
  decider: Decider<C, S, E, R>,
) {
  return <Facts = undefined>(spec: DeciderCommandSpec<Input, Answer, Facts, C, S, E>): Type<ICommandHandler<UserCommand<Input, Answer>>> => {
    @CommandHandler(commandType)
    class Handler implements ICommandHandler<UserCommand<Input, Answer>> {
      constructor(@Inject(CommandRunner) private readonly commands: CommandRunner) {}

      execute(command: UserCommand<Input, Answer>): Promise<Answer> {
        return handleDeciderCommand(this.commands, command, decider)(spec);
      }
    }
    Object.defineProperty(Handler, 'name', { value: `${commandType.name.replace(/Command$/, '')}Handler` });
    return Handler;
  };
}
