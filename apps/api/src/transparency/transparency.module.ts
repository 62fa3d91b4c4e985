import { Module } from '@nestjs/common';
import { CheckpointPublisher, WitnessCosigner } from '@pangolin/runtime';
import { GiftReceipts } from './gift-receipts.service';
import { MoneyPromises } from './money-promises.service';
import { TransparencyController } from './transparency.controller';

@Module({ controllers: [TransparencyController], providers: [CheckpointPublisher, GiftReceipts, WitnessCosigner, MoneyPromises], exports: [CheckpointPublisher, MoneyPromises] })
export class TransparencyModule {}
