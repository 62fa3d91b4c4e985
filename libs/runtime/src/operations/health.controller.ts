import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators';
import { Readiness, ReadinessReport } from './readiness';

/**
 * Probes for orchestrators, kept apart as they expect: liveness ("restart me if this fails") must
 * not depend on the databases, or an outage of a store would restart every instance for nothing;
 * readiness ("route traffic to me") does. GET /health is readiness, for tools that take one URL
 * (a compose healthcheck, `depends_on: condition: service_healthy`), where healthy means "usable".
 */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves requests (no store is consulted)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when both stores answer, every worker runs (here or under its lease elsewhere), none is more than READINESS_MAX_LAG events behind or stuck on one event, and the transparency log has not forked; else 503 naming the failed checks' })
  @ApiResponse({ status: 503, description: 'Not ready: `failed` names the checks that failed' })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    return this.answer(reply);
  }

  @Get()
  @ApiOperation({ summary: 'Same as GET /health/ready' })
  health(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    return this.answer(reply);
  }

  private async answer(reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.readiness.check();
    reply.header('cache-control', 'no-store');
    if (report.status !== 'ready') reply.code(503);
    return report;
  }
}
