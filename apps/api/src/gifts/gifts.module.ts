import { Module } from '@nestjs/common';
import { TransparencyModule } from '../transparency/transparency.module';
import { GiftsController } from './gifts.controller';
import { giftCommandHandlers } from './gifts.commands';
import { PledgeExpirySweeper } from './pledge-expiry.sweeper';

@Module({ imports: [TransparencyModule], controllers: [GiftsController], providers: [...giftCommandHandlers, PledgeExpirySweeper] })
export class GiftsModule {}
