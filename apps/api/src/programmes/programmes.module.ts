import { Module } from '@nestjs/common';
import { ProgrammesController } from './programmes.controller';
import { programmeCommandHandlers } from './programmes.commands';

@Module({ controllers: [ProgrammesController], providers: [...programmeCommandHandlers] })
export class ProgrammesModule {}
