import { Module } from '@nestjs/common';
import { EvidenceModule } from '../evidence/evidence.module';
import { TransparencyModule } from '../transparency/transparency.module';
import { ClaimsController } from './claims.controller';
import { claimCommandHandlers } from './claims.commands';

@Module({ imports: [TransparencyModule, EvidenceModule], controllers: [ClaimsController], providers: [...claimCommandHandlers] })
export class ClaimsModule {}
