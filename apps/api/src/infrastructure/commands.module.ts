import { Global, Module } from '@nestjs/common';
import { CommandRunner } from './command-runner.service';

/** The API's CommandRunner (users' commands, settled before the answer), for every context module, beside InfrastructureModule's stores. */
@Global()
@Module({ providers: [CommandRunner], exports: [CommandRunner] })
export class CommandsModule {}
