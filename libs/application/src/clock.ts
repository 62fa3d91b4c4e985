/**
 * Where "now" comes from for every rule that depends on time (expiry, start-date windows, claims
 * in the future, pledge expiry). The platform runs on the system clock; tests pass a fixed or
 * shifted clock to createPangolin, so time-dependent rules are tested without waiting or patching
 * Date. A caller's request never says what time it is.
 */
export interface Clock {
  /** The current instant as an ISO 8601 timestamp (UTC). */
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

/** Always the same instant, e.g. `fixedClock('2026-03-20T09:00:00Z')`. */
export function fixedClock(instant: string): Clock {
  const iso = new Date(instant).toISOString();
  return { now: () => iso };
}

/** The system clock shifted by `offsetMs` (e.g. 73 hours ahead, to see pledges expire). */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs).toISOString() };
}

/** The calendar date (UTC) of the clock's now. */
export function todayOf(clock: Clock): string {
  return clock.now().slice(0, 10);
}
