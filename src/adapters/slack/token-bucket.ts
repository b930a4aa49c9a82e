/**
 * A token bucket: `capacity` calls at once, refilled at `perMs` tokens per millisecond. `pauseUntil`
 * honours a 429's Retry-After: no token is handed out before then, whatever the bucket holds.
 */
export interface TokenBucket {
  /** Takes a token if one is available at `now`. */
  take(now: number): boolean;
  /** Milliseconds from `now` until a token will be available (0 when one is). */
  waitMs(now: number): number;
  pauseUntil(at: number): void;
}

export function createTokenBucket(capacity: number, perMs: number, startAt: number): TokenBucket {
  let tokens = capacity;
  let at = startAt;
  let pausedUntil = 0;
  const refill = (now: number) => {
    if (now > at) {
      tokens = Math.min(capacity, tokens + (now - at) * perMs);
      at = now;
    }
  };
  return {
    take(now) {
      if (now < pausedUntil) return false;
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    waitMs(now) {
      refill(now);
      const forToken = tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
      return Math.max(forToken, pausedUntil - now, 0);
    },
    pauseUntil(until) {
      pausedUntil = Math.max(pausedUntil, until);
      // A 429 means Slack's bucket is empty: start refilling from the end of the pause.
      tokens = 0;
      at = Math.max(at, until);
    },
  };
}
