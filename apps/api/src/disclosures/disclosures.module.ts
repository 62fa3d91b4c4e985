import { Module } from '@nestjs/common';
import { TransparencyModule } from '../transparency/transparency.module';
import { DisclosuresController } from './disclosures.controller';

@Module({ imports: [TransparencyModule], controllers: [DisclosuresController] })
export class DisclosuresModule {}
