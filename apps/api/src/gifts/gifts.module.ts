import { Module } from '@nestjs/common';
import { TransparencyModule } from '../transparency/transparency.module';
import { GiftsController } from './gifts.controller';
import { giftCommandHandlers } from './gifts.commands';
import { PledgeExpirySweeper } from '@pangolin/runtime';

@Module({ imports: [TransparencyModule], controllers: [GiftsController], providers: [...giftCommandHandlers, PledgeExpirySweeper] })
export class GiftsModule {}
