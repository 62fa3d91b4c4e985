import { MinorUnitsColumn } from '../shared/columns';

/** The money figures of public gifts: one gift's (PublicGiftRow), or their sum over a scope (PublicTotalsRow). */
export abstract class GiftFigures {
  @MinorUnitsColumn()
  pledged: number;

  @MinorUnitsColumn()
  received: number;

  @MinorUnitsColumn()
  allocated: number;

  /** Premium that reached insurers, net of unearned premium they returned on cancellation. */
  @MinorUnitsColumn()
  paidToInsurers: number;

  @MinorUnitsColumn()
  premiumRefundsCredited: number;

  @MinorUnitsColumn()
  refunded: number;

  /** The part of claims paid the gifts funded, in proportion to their share of each policy's premium. */
  @MinorUnitsColumn()
  claimsPaid: number;
}
