import { Module } from '@nestjs/common';
import { ViewsController } from './views.controller';
import { viewQueryHandlers } from './views.queries';

@Module({ controllers: [ViewsController], providers: [...viewQueryHandlers] })
export class ViewsModule {}
