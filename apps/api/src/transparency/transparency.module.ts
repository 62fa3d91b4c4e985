import { Module } from '@nestjs/common';
import { CheckpointPublisher } from './checkpoint-publisher.service';
import { GiftReceipts } from './gift-receipts.service';
import { TransparencyController } from './transparency.controller';
import { WitnessCosigner } from './witness-cosigner.service';

@Module({ controllers: [TransparencyController], providers: [CheckpointPublisher, GiftReceipts, WitnessCosigner], exports: [CheckpointPublisher] })
export class TransparencyModule {}
