import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createEc2Checker } from '../../src/readiness/aws/ec2.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from './helpers.js';

/**
 * The standard On-Demand vCPU quota (Service Quotas ec2/L-1216C47A) of the recovery Region: RunInstances beyond
 * it fails with VcpuLimitExceeded; readiness compares the free vCPUs with what the failover's launches need.
 */
describe('On-Demand vCPU quota in the recovery Region', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const quotaCheck = async (cloud: CloudEnv, desiredCapacity: number) => {
    const payments = exampleService('payments');
    const api = payments.resources.find((r) => r.kind === 'ec2') as ResourceOf<'ec2'>;
    const resource: ResourceOf<'ec2'> = { ...api, desiredCapacity };
    const checks = await createEc2Checker(cloud.aws).check(resource, payments, cloudContext(cloud));
    return checks.find((c) => c.name === 'vCPU quota');
  };

  it('answers GetServiceQuota, refuses launches beyond it, and readiness reports the numbers', async () => {
    env = await simulatedCloud();
    env.cloud.scenarios.vcpuQuota(6, 'us-west-2');
    const quota = await env.west.serviceQuotas.send(
      new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }),
    );
    expect(quota.Quota?.Value).toBe(6);

    // The launch template's m6i.large: 2 vCPUs each.
    expect(await quotaCheck(env, 2)).toMatchObject({
      verdict: 'ready',
      reason: expect.stringContaining('6 of 6 vCPUs free'),
    });
    await env.west.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001' },
        MinCount: 2,
        MaxCount: 2,
      }),
    );
    expect(await quotaCheck(env, 2)).toMatchObject({
      verdict: 'degraded',
      reason: 'payments-api: 2 of 6 vCPUs free in the recovery Region (4 in use), 4 needed for 2 m6i.large',
    });
    await expect(
      env.west.ec2.send(
        new RunInstancesCommand({
          LaunchTemplate: { LaunchTemplateId: 'lt-0a1b2c3d4e5f60001' },
          MinCount: 2,
          MaxCount: 2,
        }),
      ),
    ).rejects.toMatchObject({ name: 'VcpuLimitExceeded' });
    env.cloud.scenarios.vcpuQuota(4, 'us-west-2');
    expect(await quotaCheck(env, 2)).toMatchObject({ verdict: 'not_ready' });
  });

  it('is unknown when the quota cannot be read', async () => {
    env = await simulatedCloud();
    env.cloud.faults.failOperation('servicequotas:GetServiceQuota', {
      error: 'AccessDeniedException',
      status: 403,
    });
    expect(await quotaCheck(env, 2)).toMatchObject({ verdict: 'unknown' });
  });
});
