import { describe, expect, it } from 'vitest';
import { createStormRate } from '../../src/alarms/storm-rate.js';

describe('the replica-wide notification rate', () => {
  it('counts the current window and the last complete one, and forgets both after a quiet window', () => {
    // Prepare
    let now = 0;
    const rate = createStormRate(() => now);

    // Act and assert: 60 in the first second, 10 in the next, then two quiet seconds
    for (let i = 0; i < 60; i++) rate.add();
    expect(rate.perSecond()).toBe(60);
    now = 1_500;
    for (let i = 0; i < 10; i++) rate.add();
    expect(rate.perSecond()).toBe(60);
    now = 2_100;
    expect(rate.perSecond()).toBe(10);
    now = 4_200;
    expect(rate.perSecond()).toBe(0);
  });
});
