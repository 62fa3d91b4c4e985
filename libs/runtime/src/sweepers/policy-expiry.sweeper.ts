import { Injectable, Logger } from '@nestjs/common';
import { executeCommand, todayOf } from '@pangolin/application';
import { policyDecider, streams } from '@pangolin/domain';
import { activePoliciesEndedBefore } from '@pangolin/read-models';
import { PeriodicSweep } from '../infrastructure/periodic-sweep';

/**
 * Expires policies whose period has ended, every POLICY_EXPIRY_SWEEP_MS: the premium-allocation
 * process then reopens funding for the household, so held gifts and new donors can renew it.
 * ExpirePolicy is idempotent, so two sweepers (or a retried sweep) expire a policy once.
 */
@Injectable()
export class PolicyExpirySweeper extends PeriodicSweep {
  protected readonly logger = new Logger(PolicyExpirySweeper.name);

  protected get intervalMs(): number {
    return this.config.policyExpirySweepMs;
  }

  /** Expires every active policy whose end date is before today by the clock; returns their ids. */
  async sweep(): Promise<string[]> {
    const today = todayOf(this.clock);
    const due = await activePoliciesEndedBefore(this.db.manager, today);
    let last = 0n;
    for (const { policyId } of due) {
      const now = this.clock.now();
      const { position } = await executeCommand(this.store, policyDecider, streams.policy(policyId), { type: 'ExpirePolicy', data: { policyId, now } }, {
        actor: 'system:policy-expiry',
        correlationId: `policy-expiry:${today}`,
        causationId: `policy-expiry:${today}`,
        idempotencyKey: `expire:${policyId}`,
      });
      if (position > last) last = position;
    }
    if (due.length) {
      this.logger.log(`expired ${due.length} policies ended before ${today}`);
      await this.pipeline.settle(last);
    }
    return due.map(({ policyId }) => policyId);
  }
}
