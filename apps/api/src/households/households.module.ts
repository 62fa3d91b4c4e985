import { Module } from '@nestjs/common';
import { HouseholdsController } from './households.controller';
import { householdCommandHandlers } from './households.commands';

@Module({ controllers: [HouseholdsController], providers: [...householdCommandHandlers] })
export class HouseholdsModule {}
