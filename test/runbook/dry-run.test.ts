import { describe, expect, it } from 'vitest';
import { READ, runner, worldPerTest } from './world.js';

const worlds = worldPerTest();

describe('runbook dry run', () => {
  it('lists the exact ordered calls with their inputs using only Describe/Get/List calls', async () => {
    // Prepare
    const world = await worlds.start();
    // Act
    const plan = await runner(world).dryRun('payments', 'planned');
    // Assert
    expect(world.calls.length).toBeGreaterThan(0);
    for (const call of world.calls) expect(call.operation).toMatch(READ);
    expect(plan.error).toBeUndefined();
    expect(plan.steps.map((s) => [s.id, s.parallelGroup])).toEqual([
      ['promote-db', undefined],
      ['start-api', 1],
      ['scale-workers', 1],
      ['scale-web', 1],
      ['check-ledger', 1],
      ['check-receipts', 1],
      ['flip-dns', undefined],
      ['tell-stakeholders', undefined],
    ]);
    expect(plan.steps.flatMap((s) => s.calls.map((c) => `${c.client}:${c.command}`))).toEqual([
      'rds:SwitchoverGlobalCluster',
      'ec2:RunInstances',
      'autoscaling:UpdateAutoScalingGroup',
      'ecs:UpdateService',
      'dynamodb:PutItem',
      'route53-recovery-cluster:UpdateRoutingControlStates',
      'sns:Publish',
    ]);
    const arc = plan.steps.find((s) => s.id === 'flip-dns')?.calls[0];
    expect(arc).toMatchObject({
      region: 'us-west-2',
      input: {
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: expect.stringContaining('/routingcontrol/1a2b'), RoutingControlState: 'On' },
          { RoutingControlArn: expect.stringContaining('/routingcontrol/0a1b'), RoutingControlState: 'Off' },
        ],
      },
    });
    expect(arc?.note).toContain('us-west-2, eu-west-1, ap-northeast-1, ap-southeast-2, us-east-1');
    const switchover = plan.steps[0]?.calls[0];
    expect(switchover).toMatchObject({
      region: 'us-west-2',
      input: {
        GlobalClusterIdentifier: 'payments-global',
        TargetDbClusterIdentifier: 'arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2',
      },
    });
    expect(plan.steps[0]?.preconditions).toContainEqual(
      expect.objectContaining({ name: 'global cluster available', ok: true }),
    );
    expect(plan.steps[1]?.calls[0]?.input).toMatchObject({
      MinCount: 2,
      ClientToken: '<derived from the execution and step ids>',
    });
    expect(plan.estimateMs).toBe(5 * 60_000 + 4 * 60_000 + 60_000 + 5_000);
    expect(plan.warnings).toEqual([]);
  });

  it('warns about a failed precondition: a switchover needs a reachable primary', async () => {
    // Prepare
    const world = await worlds.start();
    world.cloud.faults.breakReplication('payments-db');
    world.cloud.faults.regionOutage('us-east-1');
    // Act
    const planned = await runner(world).dryRun('payments', 'planned');
    const unplanned = await runner(world).plannedCalls('payments', 'unplanned');
    // Assert
    for (const call of world.calls) expect(call.operation).toMatch(READ);
    expect(planned.warnings.some((w) => w.startsWith('promote-db: primary cluster reachable'))).toBe(true);
    // Routing controls are read on ARC's data plane, from an endpoint outside the impaired Region.
    expect(planned.steps.find((s) => s.id === 'flip-dns')?.preconditions).toContainEqual(
      expect.objectContaining({ name: 'an ARC cluster endpoint answers', ok: true }),
    );
    expect(unplanned[0]).toMatchObject({ command: 'FailoverGlobalCluster', input: { AllowDataLoss: true } });
  });

  it('answers an unknown service with an error instead of throwing', async () => {
    // Prepare
    const world = await worlds.start();
    // Act
    const plan = await runner(world).dryRun('nope', 'planned');
    // Assert
    expect(plan.error).toContain('unknown service "nope"');
    expect(plan.steps).toEqual([]);
  });
});
