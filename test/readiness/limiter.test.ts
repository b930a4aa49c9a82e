import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/readiness/limiter.js';

/** A promise settled from outside, for ordering tasks by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('readiness limiter handover', () => {
  it('with a limit of 1, a run() arriving as a slot is released neither runs beside the woken waiter nor jumps the queue', async () => {
    // Prepare: A holds the only slot, B waits for it.
    const limiter = createLimiter(1);
    const gateA = deferred();
    const gateB = deferred();
    const gateC = deferred();
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    // Not async, and returning the gate itself: the limiter awaits the very promise the test awaits, so
    // A's slot is released just before the test's `await gateA.promise` resumes, which is where a
    // newcomer can slip in before the woken waiter B has taken the slot.
    const task = (name: string, gate: Promise<void>) => () => {
      started.push(name);
      running++;
      peak = Math.max(peak, running);
      return gate;
    };
    const finish = (gate: { resolve: () => void }) => {
      running--;
      gate.resolve();
    };
    const a = limiter.run(task('A', gateA.promise));
    const b = limiter.run(task('B', gateB.promise));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['A']);

    // Act: A finishes, and C arrives in the microtask right after A's slot is released, before B has taken it.
    finish(gateA);
    await gateA.promise;
    const c = limiter.run(task('C', gateC.promise));
    await new Promise((resolve) => setImmediate(resolve));

    // Assert: only B runs; C waits behind it.
    expect(started).toEqual(['A', 'B']);
    expect(peak).toBe(1);
    expect(limiter.active).toBe(1);
    expect(limiter.pending).toBe(1);
    finish(gateB);
    await b;
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['A', 'B', 'C']);
    finish(gateC);
    await Promise.all([a, b, c]);
    expect(started).toEqual(['A', 'B', 'C']);
    expect(peak).toBe(1);
    expect(limiter.active).toBe(0);
    expect(limiter.pending).toBe(0);
  });

  it('keeps FIFO order for many waiters with a limit of 2 and never exceeds it', async () => {
    // Prepare
    const limiter = createLimiter(2);
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const task = (i: number) => async () => {
      order.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      // A newcomer arrives each time a task finishes.
      if (i < 10) void limiter.run(task(100 + i));
      return i;
    };

    // Act
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.run(task(i))));
    while (limiter.active > 0 || limiter.pending > 0) await new Promise((resolve) => setImmediate(resolve));

    // Assert
    expect(peak).toBe(2);
    expect(order.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
