import { DescribeCapacityReservationsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createEc2Checker } from '../../src/readiness/aws/ec2.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from './helpers.js';

/**
 * On-Demand Capacity Reservations named by the plan (DescribeCapacityReservations): only active ones count,
 * with their AvailableInstanceCount, against the instances a failover launches; an unknown id fails the call
 * (InvalidCapacityReservationId.NotFound).
 */
describe('capacity reservations in the recovery Region', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const reservation = (id: string, available: number, state: 'active' | 'expired' = 'active') => ({
    id,
    region: 'us-west-2',
    instanceType: 'm6i.large',
    az: 'us-west-2a',
    totalInstanceCount: 2,
    availableInstanceCount: available,
    state,
  });

  const checkWith = async (cloud: CloudEnv, ids: string[]) => {
    const payments = exampleService('payments');
    const api = payments.resources.find((r) => r.kind === 'ec2') as ResourceOf<'ec2'>;
    const resource: ResourceOf<'ec2'> = { ...api, desiredCapacity: 2, capacityReservationIds: ids };
    const checks = await createEc2Checker(cloud.aws).check(resource, payments, cloudContext(cloud));
    return checks.find((c) => c.name === 'capacity reservations');
  };

  it('reports the available count against the launches, and not ready when none is active or found', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.capacityReservation(reservation('cr-0a1', 1));
    env.cloud.scenarios.capacityReservation(reservation('cr-0b2', 2, 'expired'));

    const described = await env.west.ec2.send(
      new DescribeCapacityReservationsCommand({ CapacityReservationIds: ['cr-0a1'] }),
    );
    expect(described.CapacityReservations?.[0]).toMatchObject({ State: 'active', AvailableInstanceCount: 1 });
    await expect(
      env.west.ec2.send(new DescribeCapacityReservationsCommand({ CapacityReservationIds: ['cr-0ff'] })),
    ).rejects.toMatchObject({ name: 'InvalidCapacityReservationId.NotFound' });

    expect(await checkWith(env, ['cr-0a1', 'cr-0b2'])).toMatchObject({
      verdict: 'degraded',
      reason:
        'payments-api: 1 instance(s) available in active reservations, 2 to launch; not active: cr-0b2 expired',
    });
    expect(await checkWith(env, ['cr-0b2'])).toMatchObject({ verdict: 'not_ready' });
    expect(await checkWith(env, ['cr-0a1', 'cr-0ff'])).toMatchObject({ verdict: 'not_ready' });
    env.cloud.scenarios.capacityReservation(reservation('cr-0b2', 2));
    expect(await checkWith(env, ['cr-0a1', 'cr-0b2'])).toMatchObject({ verdict: 'ready' });
  });
});
