import { Body, ConflictException, Controller, Get, Header, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { sniffEvidenceType, type EvidenceStore } from '@pangolin/application';
import { EVIDENCE_MEDIA_TYPES, InvalidCommand, MAX_EVIDENCE_BYTES } from '@pangolin/domain';
import { findClaim } from '@pangolin/read-models';
import { READ_DB, Roles } from '@pangolin/runtime';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { policyVisibleTo } from '../policies/policies.commands';
import { EVIDENCE_STORE } from './evidence-store.token';

const SHA256_SCHEMA = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/**
 * Claim evidence: files uploaded before a claim is filed (the claim then names them by SHA-256),
 * and read back by those who decide or file claims on the policy. Never by donors or the public.
 */
@ApiTags('claims')
@ApiBearerAuth()
@Controller()
export class EvidenceController {
  constructor(
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly commands: CommandRunner,
  ) {}

  @Post('evidence')
  @Roles('insurer', 'government')
  @ApiOperation({ summary: `Upload one evidence file (PDF, JPEG, PNG or WebP, at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB) as the request body; answers its SHA-256, to name it in a claim's evidenceFiles` })
  @ApiConsumes(...EVIDENCE_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  async upload(@Body() body: unknown) {
    if (!Buffer.isBuffer(body) || body.length === 0) throw new InvalidCommand('body', `must be the file's bytes, sent as ${EVIDENCE_MEDIA_TYPES.join(', ')}`);
    if (!sniffEvidenceType(body)) throw new InvalidCommand('body', `must be a PDF, JPEG, PNG or WebP file (its first bytes say it is none of them)`);
    return this.store.put(body);
  }

  @Get('policies/:policyId/claims/:claimId/evidence/:sha256')
  @Roles('insurer', 'government')
  @ApiOperation({ summary: "One of a claim's evidence files (the insurer of record, the household's government); 409 if its bytes no longer match the SHA-256 recorded in the log" })
  @ApiParam({ name: 'sha256', schema: SHA256_SCHEMA })
  @Header('x-content-type-options', 'nosniff')
  async download(@Ctx() context: RequestContext, @Param('policyId', ParseUuidParam) policyId: string, @Param('claimId', ParseUuidParam) claimId: string, @Param('sha256') sha256: string, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new InvalidCommand('sha256', 'must be a SHA-256 in 64 lower-case hexadecimal digits');
    await policyVisibleTo(this.commands, policyId, context);
    const claim = await findClaim(this.db.manager, claimId);
    const file = claim?.policyId === policyId ? claim.evidenceFiles.find((candidate) => candidate.sha256 === sha256) : undefined;
    if (!file) throw new NotFoundException(`claim ${claimId} of policy ${policyId} has no evidence file ${sha256}`);
    const read = await this.store.read(sha256);
    if (read.status === 'missing') throw new NotFoundException(`evidence file ${sha256} (${file.name}) is missing from the evidence store`);
    if (read.status === 'altered') throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `evidence file ${file.name} was altered: its bytes hash to ${read.actualSha256}, not to ${sha256} as the claim recorded in the log`, reason: 'evidence-altered' });
    reply.header('content-type', read.mediaType).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    return read.bytes;
  }
}
