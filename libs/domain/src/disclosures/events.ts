import type { DisclosureFigures, DisclosureScope } from './report';
import type { DisclosurePeriod } from './period';

/** The signed checkpoint a report was computed at: its figures fold the log's first `size` events. */
export interface DisclosureCheckpoint {
  /** Decimal string (a log size may pass 2^53). */
  size: string;
  /** The Merkle root at that size, lower-case hex, as the signed checkpoint states it. */
  rootHash: string;
}

/**
 * Disclosure stream, one per report (scope and period): each publication is a new version, and a
 * correction never replaces an earlier one; it follows it, with a note saying what changed.
 */
export type DisclosureEvent = {
  type: 'DisclosureReportPublished';
  data: {
    reportId: string;
    version: number;
    scope: DisclosureScope;
    period: DisclosurePeriod;
    checkpoint: DisclosureCheckpoint;
    figures: DisclosureFigures;
    /** Why this version corrects the one before; null on version 1. */
    correctionNote: string | null;
    publishedBy: string;
    publishedAt: string;
  };
};

export type DisclosureCommand = {
  type: 'PublishDisclosureReport';
  data: Omit<DisclosureEvent['data'], 'version' | 'publishedAt'> & { now: string };
};
