import { Module } from '@nestjs/common';
import { GiftsController } from './gifts.controller';
import { giftCommandHandlers } from './gifts.commands';
import { PledgeExpirySweeper } from './pledge-expiry.sweeper';

@Module({ controllers: [GiftsController], providers: [...giftCommandHandlers, PledgeExpirySweeper] })
export class GiftsModule {}
