import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { streams } from '@pangolin/domain';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@pangolin/runtime';
import { createdByEvent, IdempotentCreationRoute } from '../http/idempotency';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { PublishProductCommand, RetireProductCommand, ReviseProductCommand } from './products.commands';
import { PublishProductDto } from './products.dto';

@ApiTags('products')
@ApiBearerAuth()
@Controller('products')
export class ProductsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @IdempotentCreationRoute(createdByEvent(streams.product, (productId) => ({ productId, version: 1 })))
  @Roles('insurer')
  @ApiOperation({ summary: 'Publish a product (insurer)' })
  publish(@Ctx() context: RequestContext, @Body() body: PublishProductDto) {
    return this.commandBus.execute(new PublishProductCommand(context, body));
  }

  @Post(':productId/revisions')
  @Roles('insurer')
  @ApiOperation({ summary: 'Publish new terms for new policies (insurer of the product)' })
  revise(@Ctx() context: RequestContext, @Param('productId', ParseUuidParam) productId: string, @Body() body: PublishProductDto) {
    return this.commandBus.execute(new ReviseProductCommand(context, { productId, body }));
  }

  @Post(':productId/retire')
  @HttpCode(200)
  @Roles('insurer')
  @ApiOperation({ summary: 'Retire a product: it takes no new policies (insurer of the product)' })
  async retire(@Ctx() context: RequestContext, @Param('productId', ParseUuidParam) productId: string) {
    await this.commandBus.execute(new RetireProductCommand(context, { productId }));
    return { productId, retired: true };
  }
}
