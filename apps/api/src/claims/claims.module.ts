import { Module } from '@nestjs/common';
import { EvidenceModule } from '../evidence/evidence.module';
import { TransparencyModule } from '../transparency/transparency.module';
import { ClaimPageController } from './claim-page.controller';
import { ClaimsController } from './claims.controller';
import { claimCommandHandlers } from './claims.commands';

@Module({ imports: [TransparencyModule, EvidenceModule], controllers: [ClaimsController, ClaimPageController], providers: [...claimCommandHandlers] })
export class ClaimsModule {}
