import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceOf } from '../../src/plan/schema.js';
import { createDynamoDbChecker } from '../../src/readiness/aws/dynamodb.js';
import { type CloudEnv, cloudContext, exampleService, simulatedCloud } from './helpers.js';

/** The DynamoDB replica is read through the recovery Region, so its state is known during a primary outage. */
describe('DynamoDB global table readiness during a primary Region outage', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('still measures the recovery replica as ACTIVE while us-east-1 is down', async () => {
    env = await simulatedCloud();
    const payments = exampleService('payments');
    const table = payments.resources.find(
      (r) => r.kind === 'dynamodb-global-table',
    ) as ResourceOf<'dynamodb-global-table'>;
    env.cloud.faults.regionOutage('us-east-1');

    const checks = await createDynamoDbChecker(env.aws).check(table, payments, cloudContext(env));

    expect(checks.find((c) => c.name === 'replica')).toMatchObject({
      verdict: 'ready',
      reason: 'payments-ledger: replica in us-west-2 ACTIVE',
    });
    // The lag is emitted in the primary Region: unknown, never ready.
    expect(checks.find((c) => c.name === 'replication lag')?.verdict ?? 'unknown').toBe('unknown');
  }, 30_000);
});
