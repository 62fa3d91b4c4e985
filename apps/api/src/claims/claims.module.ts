import { Module } from '@nestjs/common';
import { TransparencyModule } from '../transparency/transparency.module';
import { ClaimsController } from './claims.controller';
import { claimCommandHandlers } from './claims.commands';

@Module({ imports: [TransparencyModule], controllers: [ClaimsController], providers: [...claimCommandHandlers] })
export class ClaimsModule {}
