import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators';
import { PangolinMetrics } from './metrics';

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PangolinMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format): appends, projections and their lag, HTTP requests, process' })
  @ApiProduces('text/plain')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.exposition();
    reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return text;
  }
}
