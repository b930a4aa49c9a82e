import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/sandbox/aws/time.js';

describe('the simulated cloud scheduler', () => {
  it('counts operations in progress, not a recurring schedule that re-arms itself for ever', () => {
    const s = new Scheduler();
    const ran: number[] = [];
    const daily = (at: number) => {
      ran.push(at);
      s.at(at + 1_000, daily, { recurring: true });
    };
    s.at(500, daily, { recurring: true });
    s.at(2_500, (at) => ran.push(at));

    expect(s.pending).toBe(1);
    expect(s.lastDue).toBe(2_500);
    s.runDue(s.lastDue ?? 0);

    expect(ran).toEqual([500, 1_500, 2_500, 2_500]); // the operation, then the schedule due at the same time
    expect(s.pending).toBe(0);
    expect(s.lastDue).toBeUndefined();
  });
});
