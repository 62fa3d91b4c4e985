import { Module } from '@nestjs/common';
import { ClaimsController } from './claims.controller';
import { claimCommandHandlers } from './claims.commands';

@Module({ controllers: [ClaimsController], providers: [...claimCommandHandlers] })
export class ClaimsModule {}
