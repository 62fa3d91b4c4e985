/**
 * A programme pools gifts for one product in one region: its money goes to the region's
 * eligible, uncovered households in the order explained in premium-allocation.ts.
 */
export type ProgrammeEvent =
  | {
      type: 'ProgrammeLaunched';
      data: { programmeId: string; name: string; regionCode: string; productId: string; launchedBy: string; launchedAt: string };
    }
  | { type: 'ProgrammeClosed'; data: { programmeId: string; reason: string; closedAt: string } };
