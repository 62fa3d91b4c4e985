import type { Decided, EvidenceStore } from '@pangolin/application';
import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { claimsDecider, ClaimFiler, InvalidCommand, streams, type EvidenceFile } from '@pangolin/domain';
import { EVIDENCE_STORE } from '../evidence/evidence-store.token';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { deciderCommandHandler, handleDeciderCommand, UserCommand } from '../infrastructure/decider-command';
import { policyVisibleTo } from '../policies/policies.commands';
import { actingInsurer } from '../products/products.commands';
import { ApproveClaimDto, EvidenceFileDto, FileClaimDto, PayClaimDto, RejectClaimDto } from './claims.dto';

export class FileClaimCommand extends UserCommand<{ policyId: string; body: FileClaimDto }, { claimId: string; policyId: string; status: 'filed' }> {}

/** The insurer of record or the government of the household's region files claims. */
@CommandHandler(FileClaimCommand)
export class FileClaimHandler implements ICommandHandler<FileClaimCommand> {
  constructor(private readonly commands: CommandRunner, @Inject(EVIDENCE_STORE) private readonly evidence: EvidenceStore) {}

  execute(command: FileClaimCommand) {
    return handleDeciderCommand(this.commands, command, claimsDecider)({
      facts: async ({ context, input: { policyId, body }, commands }) => {
        const { role, insurerId, regionCode } = context.user;
        if (role !== 'insurer' && role !== 'government') throw new ForbiddenException('claims are filed by the insurer of record or the household\'s government');
        await policyVisibleTo(commands, policyId, context);
        const filedBy: ClaimFiler = role === 'insurer' ? { role, id: insurerId as string } : { role, id: regionCode as string };
        return { filedBy, claimId: context.newId(), evidenceFiles: await this.storedEvidence(body.evidenceFiles ?? []) };
      },
      stream: ({ input }) => streams.policy(input.policyId),
      command: ({ input: { policyId, body }, now, facts: { claimId, evidenceFiles, filedBy } }) => ({
        type: 'FileClaim',
        data: { policyId, claimId, incidentDate: body.incidentDate, kind: body.kind, amountClaimed: body.amountClaimed, evidence: body.evidence, evidenceFiles, filedBy, now },
      }),
      answer: ({ input: { policyId }, facts: { claimId } }) => ({ claimId, policyId, status: 'filed' as const }),
    });
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

export class DecideClaimCommand extends UserCommand<{ policyId: string; claimId: string; decision: ClaimDecision }, Decided<unknown, unknown>> {}

/** The insurer of record approves, rejects or reports the payout of a claim. */
export const DecideClaimHandler = deciderCommandHandler(DecideClaimCommand, claimsDecider)({
  facts: async ({ context, input: { policyId }, commands }) => {
    const insurerId = actingInsurer(context);
    await policyVisibleTo(commands, policyId, context);
    return { insurerId };
  },
  stream: ({ input }) => streams.policy(input.policyId),
  command: ({ input: { policyId, claimId, decision }, now, facts: { insurerId } }) =>
    decision.kind === 'approve'
      ? { type: 'ApproveClaim', data: { policyId, claimId, insurerId, approvedAmount: decision.body.approvedAmount, note: decision.body.note, now } }
      : decision.kind === 'reject'
        ? { type: 'RejectClaim', data: { policyId, claimId, insurerId, reason: decision.body.reason, now } }
        : { type: 'PayClaim', data: { policyId, claimId, insurerId, payoutReference: decision.body.payoutReference, now } },
  answer: ({ decided }) => decided,
});

export const claimCommandHandlers = [FileClaimHandler, DecideClaimHandler];
