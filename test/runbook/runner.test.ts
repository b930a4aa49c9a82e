import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runner, startState, startWorld } from './world.js';

let state: Awaited<ReturnType<typeof startState>>;
beforeAll(async () => {
  state = await startState();
});
afterAll(async () => {
  await state?.close();
});

describe('runbook runner against the simulated cloud', () => {
  it('completes the payments failover with each mutating call made once', async () => {
    // Prepare
    const world = await startWorld(state);
    const execution = await world.approve('payments');
    // Act
    const done = await runner(world).run(execution.id);
    // Assert
    expect(done.state, JSON.stringify(done, null, 1)).toBe('completed');
    expect(world.mutations().sort()).toEqual([
      'dynamodb:PutItem',
      'ec2:RunInstances',
      'rds:SwitchoverGlobalCluster',
      'route53:UpdateHealthCheck',
      'sns:Publish',
    ]);
    await world.close();
  });
});
