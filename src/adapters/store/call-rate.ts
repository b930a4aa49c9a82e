/**
 * Whether calls come faster than `limit` per `windowMs`, over a sliding window: the times of the last
 * `limit` calls in a ring, so a call is "busy" when the call `limit` calls before it is still inside the
 * window (constant work per call, no timers).
 */
export function createRateWatch(limit: number, windowMs: number): { record(now: number): boolean } {
  // A limit of 0: every call is over it.
  if (limit <= 0) return { record: () => true };
  const times = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY);
  let next = 0;
  return {
    /** Records a call at `now`; true when it is more than `limit` calls within the last `windowMs`. */
    record(now) {
      const limitCallsAgo = times[next] ?? Number.NEGATIVE_INFINITY;
      times[next] = now;
      next = (next + 1) % limit;
      return now - limitCallsAgo < windowMs;
    },
  };
}
