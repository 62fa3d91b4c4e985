import type { Decided, EvidenceStore } from '@pangolin/application';
import { ForbiddenException, Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { claimsDecider, ClaimFiler, InvalidCommand, streams, type EvidenceFile } from '@pangolin/domain';
import { EVIDENCE_STORE } from '../evidence/evidence-store.token';
import { RequestContext } from '../http/request-context';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { policyVisibleTo } from '../policies/policies.commands';
import { actingInsurer } from '../products/products.commands';
import { ApproveClaimDto, EvidenceFileDto, FileClaimDto, PayClaimDto, RejectClaimDto } from './claims.dto';

export class FileClaimCommand extends Command<{ claimId: string }> {
  constructor(readonly context: RequestContext, readonly policyId: string, readonly body: FileClaimDto) {
    super();
  }
}

/** The insurer of record or the government of the household's region files claims. */
@CommandHandler(FileClaimCommand)
export class FileClaimHandler implements ICommandHandler<FileClaimCommand> {
  constructor(private readonly commands: CommandRunner, @Inject(EVIDENCE_STORE) private readonly evidence: EvidenceStore) {}

  async execute({ context, policyId, body }: FileClaimCommand) {
    const { role, insurerId, regionCode } = context.user;
    if (role !== 'insurer' && role !== 'government') throw new ForbiddenException('claims are filed by the insurer of record or the household\'s government');
    await policyVisibleTo(this.commands, policyId, context);
    const filedBy: ClaimFiler = role === 'insurer' ? { role, id: insurerId as string } : { role, id: regionCode as string };
    const claimId = context.newId();
    const evidenceFiles = await this.storedEvidence(body.evidenceFiles ?? []);
    await this.commands.run(claimsDecider, streams.policy(policyId), {
      type: 'FileClaim',
      data: { policyId, claimId, incidentDate: body.incidentDate, kind: body.kind, amountClaimed: body.amountClaimed, evidence: body.evidence, evidenceFiles, filedBy, now: this.commands.now() },
    }, context);
    return { claimId, policyId, status: 'filed' };
  }

  /** Each named file as the store holds it (its type and size from its bytes, not the caller): one not uploaded, or altered since, is refused. */
  private async storedEvidence(files: EvidenceFileDto[]): Promise<EvidenceFile[]> {
    const stored: EvidenceFile[] = [];
    for (const [i, { name, sha256 }] of files.entries()) {
      const read = await this.evidence.read(sha256);
      if (read.status === 'missing') throw new InvalidCommand(`evidenceFiles[${i}].sha256`, 'must name a file uploaded with POST /evidence');
      if (read.status === 'altered') throw new InvalidCommand(`evidenceFiles[${i}].sha256`, 'names a file whose bytes no longer match it');
      stored.push({ name, sha256, mediaType: read.mediaType, size: read.bytes.length });
    }
    return stored;
  }
}

export type ClaimDecision = { kind: 'approve'; body: ApproveClaimDto } | { kind: 'reject'; body: RejectClaimDto } | { kind: 'pay'; body: PayClaimDto };

export class DecideClaimCommand extends Command<Decided<unknown, unknown>> {
  constructor(readonly context: RequestContext, readonly policyId: string, readonly claimId: string, readonly decision: ClaimDecision) {
    super();
  }
}

/** The insurer of record approves, rejects or reports the payout of a claim. */
@CommandHandler(DecideClaimCommand)
export class DecideClaimHandler implements ICommandHandler<DecideClaimCommand> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ context, policyId, claimId, decision }: DecideClaimCommand) {
    const insurerId = actingInsurer(context);
    await policyVisibleTo(this.commands, policyId, context);
    const now = this.commands.now();
    const command =
      decision.kind === 'approve'
        ? ({ type: 'ApproveClaim', data: { policyId, claimId, insurerId, approvedAmount: decision.body.approvedAmount, note: decision.body.note, now } } as const)
        : decision.kind === 'reject'
          ? ({ type: 'RejectClaim', data: { policyId, claimId, insurerId, reason: decision.body.reason, now } } as const)
          : ({ type: 'PayClaim', data: { policyId, claimId, insurerId, payoutReference: decision.body.payoutReference, now } } as const);
    return this.commands.run(claimsDecider, streams.policy(policyId), command, context);
  }
}

export const claimCommandHandlers = [FileClaimHandler, DecideClaimHandler];
