import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngressGate } from '../../src/alarms/ingress-gate.js';

/** A task that runs until the test lets it finish. */
function heldTask(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    run: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

describe('ingress gate for alarm deliveries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('works on at most `limit` deliveries at once and lets the others in, in arrival order, as slots free', async () => {
    // Prepare
    const gate = createIngressGate({ limit: 2, maxWaitMs: 60_000 });
    const started: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => heldTask(started, name));

    // Act
    const results = tasks.map((t) => gate.run(t.run));
    await vi.advanceTimersByTimeAsync(0);
    const atFirst = [...started];
    tasks[1]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    const afterOne = [...started];
    for (const t of tasks) t.finish();
    await vi.advanceTimersByTimeAsync(0);

    // Assert
    expect(atFirst).toEqual(['a', 'b']);
    expect(afterOne).toEqual(['a', 'b', 'c']);
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.stats()).toEqual({ active: 0, waiting: 0, waitedOut: 0 });
  });

  it('lets a delivery go ahead once it has waited maxWaitMs, even when no slot is free', async () => {
    // Prepare
    const gate = createIngressGate({ limit: 1, maxWaitMs: 1_000 });
    const started: string[] = [];
    const slow = heldTask(started, 'slow');
    const next = heldTask(started, 'next');
    void gate.run(slow.run);
    const waitingRun = gate.run(next.run);

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const beforeDeadline = [...started];
    await vi.advanceTimersByTimeAsync(1);
    next.finish();

    // Assert
    expect(beforeDeadline).toEqual(['slow']);
    expect(await waitingRun).toBe('next');
    expect(gate.stats().waitedOut).toBe(1);
    slow.finish();
  });

  it('frees the slot of a delivery that failed', async () => {
    // Prepare
    const gate = createIngressGate({ limit: 1 });

    // Act
    const failed = gate
      .run(async () => {
        throw new Error('store down');
      })
      .then(
        () => 'recorded',
        (error: Error) => error.message,
      );
    const after = gate.run(async () => 'recorded');
    await vi.advanceTimersByTimeAsync(0);

    // Assert
    expect(await failed).toBe('store down');
    expect(await after).toBe('recorded');
  });
});
