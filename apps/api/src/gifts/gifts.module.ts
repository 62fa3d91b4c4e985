import { Module } from '@nestjs/common';
import { GiftsController } from './gifts.controller';
import { giftCommandHandlers } from './gifts.commands';

@Module({ controllers: [GiftsController], providers: [...giftCommandHandlers] })
export class GiftsModule {}
