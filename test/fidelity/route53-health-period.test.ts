import { UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { routedHealth } from '../../src/adapters/aws/route53-health.js';
import { route53DemoPlan } from '../helpers/plans.js';
import { simulatedCloud } from '../sandbox/aws-fixture.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("Route 53's HealthCheckStatus metric in the simulated cloud", () => {
  it('has 1-minute periods of simulated time: restored minutes ago (simulated), the newest period is healthy only', async () => {
    // Prepare: at 2000x, inverted across a wall-clock minute boundary for 200 ms (~7 simulated minutes)
    const sim = await simulatedCloud({ plan: route53DemoPlan(), timeScale: 2_000 });
    close = sim.close;
    const { clock, east } = sim;
    clock.set(Date.UTC(2026, 10, 21, 8, 59, 59, 900));
    const invert = (Inverted: boolean) =>
      east.route53.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hc-payments-use1', Inverted }));
    const health = () =>
      routedHealth(east.cloudwatch, 'hc-payments-use1', clock.now(), (_, fn) =>
        fn(new AbortController().signal),
      );
    await invert(true);
    clock.advance(200);
    expect((await health()).healthy).toBe(false);

    // Act: restored, then 100 ms (~3 simulated minutes) later
    await invert(false);
    clock.advance(100);
    const status = await health();

    // Assert: a steady healthy minute, as CloudWatch shows it on AWS (not the inverted span of the clock minute)
    expect(status.healthy, status.text).toBe(true);
  });
});
