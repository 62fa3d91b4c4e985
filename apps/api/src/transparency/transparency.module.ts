import { Module } from '@nestjs/common';
import { CheckpointPublisher } from './checkpoint-publisher.service';
import { GiftReceipts } from './gift-receipts.service';
import { MoneyPromises } from './money-promises.service';
import { TransparencyController } from './transparency.controller';
import { WitnessCosigner } from './witness-cosigner.service';

@Module({ controllers: [TransparencyController], providers: [CheckpointPublisher, GiftReceipts, WitnessCosigner, MoneyPromises], exports: [CheckpointPublisher, MoneyPromises] })
export class TransparencyModule {}
