/**
 * Notifications received per second by this replica across all services: the applier's signal that a
 * storm is on. A per-service rate cannot tell: in a regional outage each of hundreds of services gets
 * less than one notification a second, so "the first after a quiet spell goes at once" applies every
 * one alone (one incident read/write cycle each), although the replica as a whole takes hundreds a second.
 * Counted in whole windows (the current one and the one before), so it costs O(1) memory and time.
 */
export interface StormRate {
  /** Counts one notification now. */
  add(): void;
  /** Notifications per second: the higher of the last complete window and the current one so far. */
  perSecond(): number;
}

export function createStormRate(now: () => number, windowMs = 1_000): StormRate {
  let windowStart = now();
  let current = 0;
  let previous = 0;
  const roll = () => {
    const elapsed = now() - windowStart;
    if (elapsed < windowMs) return;
    // A gap of two windows or more means the last complete window was empty.
    previous = elapsed < 2 * windowMs ? current : 0;
    current = 0;
    windowStart += elapsed - (elapsed % windowMs);
  };
  return {
    add() {
      roll();
      current++;
    },
    perSecond() {
      roll();
      return (Math.max(previous, current) * 1_000) / windowMs;
    },
  };
}
