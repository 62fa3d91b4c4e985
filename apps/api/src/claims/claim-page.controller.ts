import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { pangolinEvent, streams, type PangolinEvent } from '@pangolin/domain';
import type { EventStore, RecordedEvent } from '@pangolin/event-store';
import { findClaimWithCodes, type InsurerClaimView } from '@pangolin/read-models';
import { EVENT_STORE, READ_DB, Roles } from '@pangolin/runtime';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { policyVisibleTo } from '../policies/policies.commands';

/** One event of a claim's life, with what it recorded worth showing, and where it is in the log (its inclusion proof is at /transparency/events/:eventId/inclusion-proof). */
export interface ClaimHistoryEntry {
  type: 'ClaimFiled' | 'ClaimApproved' | 'ClaimRejected' | 'ClaimPaid';
  occurredAt: string;
  position: string;
  eventId: string;
  detail: Record<string, unknown>;
}

/** A claim as its page shows it: its facts, evidence, policy number and household code, and its whole history. */
export type ClaimPage = InsurerClaimView & { history: ClaimHistoryEntry[] };

/** What each claim event recorded that the claim's page shows (never personal data: claims carry none). */
function entryOf(event: PangolinEvent, recorded: RecordedEvent, claimId: string): ClaimHistoryEntry | undefined {
  const at = { occurredAt: recorded.metadata.occurredAt, position: recorded.position.toString(), eventId: recorded.eventId };
  switch (event.type) {
    case 'ClaimFiled': {
      if (event.data.claimId !== claimId) return undefined;
      const { incidentDate, kind, amountClaimed, filedBy, declarationId, evidence, evidenceFiles } = event.data;
      return { type: event.type, ...at, detail: { incidentDate, kind, amountClaimed, filedBy: filedBy.role, evidence: evidence.length + (evidenceFiles?.length ?? 0), ...(declarationId ? { declarationId } : {}) } };
    }
    case 'ClaimApproved': {
      if (event.data.claimId !== claimId) return undefined;
      const { approvedAmount, inFull, note } = event.data;
      return { type: event.type, ...at, detail: { approvedAmount, inFull, ...(note !== undefined ? { note } : {}) } };
    }
    case 'ClaimRejected':
      return event.data.claimId === claimId ? { type: event.type, ...at, detail: { reason: event.data.reason } } : undefined;
    case 'ClaimPaid': {
      if (event.data.claimId !== claimId) return undefined;
      const { amount, payoutReference } = event.data;
      return { type: event.type, ...at, detail: { amount, payoutReference } };
    }
    default:
      return undefined;
  }
}

/**
 * One claim's page: read by those who decide or file claims on its policy (the insurer of record,
 * the household's government), as its evidence is; anyone else is told there is no such claim.
 * Its history comes from the log itself, the claim's events in its policy's stream: a claim has at
 * most three (filed; approved or rejected; paid), so it is answered whole.
 */
@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class ClaimPageController {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandRunner,
  ) {}

  @Get(':claimId')
  @Roles('insurer', 'government')
  @ApiOperation({
    summary:
      "One claim (the insurer of record, the household's government): its facts, evidence files, policy number and household code, and its whole history, oldest first " +
      '(filed, approved or rejected with the reason, paid with the payout reference), each entry with the event that records it',
  })
  async claim(@Ctx() context: RequestContext, @Param('claimId', ParseUuidParam) claimId: string): Promise<ClaimPage> {
    const claim = await findClaimWithCodes(this.db.manager, claimId);
    if (!claim) throw new NotFoundException(`claim ${claimId} not found`);
    try {
      await policyVisibleTo(this.commands, claim.policyId, context);
    } catch (error) {
      // Said of the claim, not of its policy: the caller asked for a claim.
      if (error instanceof NotFoundException) throw new NotFoundException(`claim ${claimId} not found`);
      throw error;
    }
    const recorded = await this.store.readStream(streams.policy(claim.policyId));
    const history = recorded.flatMap((event) => entryOf(pangolinEvent(event), event, claimId) ?? []);
    return { ...claim, history };
  }
}
