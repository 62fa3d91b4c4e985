import { Module } from '@nestjs/common';
import { ProductsController } from './products.controller';
import { productCommandHandlers } from './products.commands';

@Module({ controllers: [ProductsController], providers: [...productCommandHandlers] })
export class ProductsModule {}
