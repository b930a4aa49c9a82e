/**
 * Hands out event-loop turns one at a time: `next()` resolves on a later turn than the one it was called
 * in, and at most one waiter resolves per turn (in arrival order). Work that starts after `await next()`
 * therefore lets the loop poll for I/O before the next waiter's work starts, even when each piece of work
 * finishes within its own turn (an answer that comes back at once, e.g. a cached or in-process one): a
 * request that arrived meanwhile (a person's `/dr` command, a button's ack) waits behind one piece, not
 * behind all of them. It costs a `setImmediate` per waiter and adds no delay to a loop that has nothing
 * else to do.
 */
export interface TurnQueue {
  next(): Promise<void>;
  /** Waiters not yet given their turn (tests). */
  readonly waiting: number;
}

export function createTurnQueue(): TurnQueue {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const turn = () => {
    scheduled = false;
    waiting.shift()?.();
    if (waiting.length > 0) {
      scheduled = true;
      setImmediate(turn);
    }
  };
  return {
    next: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(turn);
        }
      }),
    get waiting() {
      return waiting.length;
    },
  };
}
