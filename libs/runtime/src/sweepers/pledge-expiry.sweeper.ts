import { Injectable, Logger } from '@nestjs/common';
import { executeCommand } from '@pangolin/application';
import { Conflict, giftDecider, streams } from '@pangolin/domain';
import { unpaidPledgesBefore } from '@pangolin/read-models';
import { PeriodicSweep } from '../infrastructure/periodic-sweep';

/**
 * Expires pledges left unpaid for PLEDGE_EXPIRY_HOURS, every PLEDGE_EXPIRY_SWEEP_MS, by the Clock:
 * an expired pledge can no longer be paid and leaves the public totals. ExpirePledge is
 * idempotent, and the gift decider re-checks the time and the payment, so a pledge paid just
 * before the sweep reaches it stays paid.
 */
@Injectable()
export class PledgeExpirySweeper extends PeriodicSweep {
  protected readonly logger = new Logger(PledgeExpirySweeper.name);

  protected get intervalMs(): number {
    return this.config.pledgeExpirySweepMs;
  }

  /** Expires every pledge unpaid for PLEDGE_EXPIRY_HOURS by the clock; returns their gift ids. */
  async sweep(): Promise<string[]> {
    const { pledgeExpiryHours: expiryHours } = this.config;
    const now = this.clock.now();
    const cutoff = new Date(Date.parse(now) - expiryHours * 3_600_000).toISOString();
    const due = await unpaidPledgesBefore(this.db.manager, cutoff);
    const expired: string[] = [];
    let last = 0n;
    for (const { giftId } of due) {
      const { events, position } = await executeCommand(this.store, giftDecider, streams.gift(giftId), { type: 'ExpirePledge', data: { giftId, expiryHours, now } }, {
        actor: 'system:pledge-expiry',
        correlationId: `pledge-expiry:${now}`,
        causationId: `pledge-expiry:${now}`,
        idempotencyKey: `expire-pledge:${giftId}`,
      }).catch((error: unknown) => {
        // Paid since the read model looked: nothing to expire.
        if (!(error instanceof Conflict)) throw error;
        this.logger.log(`pledge of gift ${giftId} not expired: ${error.message}`);
        return { events: [], position: 0n };
      });
      if (events.length) expired.push(giftId);
      if (position > last) last = position;
    }
    if (expired.length) {
      this.logger.log(`expired ${expired.length} pledges unpaid for ${expiryHours} hours`);
      await this.pipeline.settle(last);
    }
    return expired;
  }
}
