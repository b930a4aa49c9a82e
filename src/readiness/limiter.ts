import pLimit from 'p-limit';

/** Runs at most `concurrency` tasks at once; the rest wait in FIFO order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now (for tests and the benchmark). */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
}

/**
 * Backed by p-limit, which hands a freed slot straight to the next waiter (the count never drops
 * below the limit while someone waits), so a `run()` arriving as a task finishes queues behind the
 * waiters instead of starting beside the woken one. Our own counter did the decrement first and let
 * the newcomer in: two tasks ran at once with a limit of 1 (issue 21).
 */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const limit = pLimit(concurrency);
  return {
    run: (task) => limit(task),
    get active() {
      return limit.activeCount;
    },
    get pending() {
      return limit.pendingCount;
    },
  };
}
