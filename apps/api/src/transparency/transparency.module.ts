import { Module } from '@nestjs/common';
import { CheckpointPublisher } from './checkpoint-publisher.service';
import { GiftReceipts } from './gift-receipts.service';
import { TransparencyController } from './transparency.controller';

@Module({ controllers: [TransparencyController], providers: [CheckpointPublisher, GiftReceipts], exports: [CheckpointPublisher] })
export class TransparencyModule {}
