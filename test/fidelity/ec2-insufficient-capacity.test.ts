import { describe, expect, it } from 'vitest';
import { runner, worldPerTest } from '../runbook/world.js';

const worlds = worldPerTest();

/**
 * RunInstances fails with InsufficientInstanceCapacity when AWS has no On-Demand capacity for the request
 * (EC2 API error codes; Troubleshoot instance launch issues: insufficient instance capacity). Injected as a
 * fault; the launch step fails with the reason and the runbook pauses there.
 */
describe('RunInstances without capacity', () => {
  it('pauses the failover at the launch step with InsufficientInstanceCapacity', async () => {
    const world = await worlds.start();
    world.cloud.faults.failOperation('ec2:RunInstances', {
      error: 'InsufficientInstanceCapacity',
      status: 500,
      region: 'us-west-2',
    });
    const execution = await world.approve('payments');
    const paused = await runner(world).run(execution.id);
    expect(paused.state).toBe('pausedByFailedStep');
    expect(paused.pausedAtStep).toBe('start-api');
    expect(paused.lastError).toContain('InsufficientInstanceCapacity');
    expect(world.mutations()).not.toContain('ec2:RunInstances');
  });
});
