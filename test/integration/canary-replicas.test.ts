import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { systemClock } from '../../src/domain/clock.js';
import { loadPlanFile, type Plan } from '../../src/plan/load.js';
import { createDynamoDbCanaryChecker, createS3CanaryChecker } from '../../src/readiness/aws/canary-probes.js';
import type { Check, CheckContext, NamedService } from '../../src/readiness/types.js';
import { createSimulatedCloud, type SimulatedCloud } from '../../src/sandbox/aws/index.js';

/**
 * Two Lifeboat replicas measure readiness at the same moment: both write a heartbeat under the same canary
 * key, so the later write replaces the earlier one before it can be seen on the recovery side. Regression:
 * the replica whose heartbeat was replaced waited for it until the canary wait ran out.
 */
describe('replication canaries measured by two replicas at once', () => {
  let cloud: SimulatedCloud;
  let plan: Plan;
  let payments: NamedService;

  beforeAll(async () => {
    plan = await loadPlanFile('dr-plan.example.yml');
    cloud = await createSimulatedCloud({ plan, timeScale: 60 });
    const service = plan.services.payments;
    if (!service) throw new Error('the example plan has no payments service');
    payments = { ...service, name: 'payments' };
  });
  afterAll(() => cloud?.close());

  /** A replica's own clients and checkers (each has its own canary runner, as separate processes do). */
  const replica = () => {
    const clients = createAwsClients({ onClient: (client, region) => cloud.attach(client, region) });
    // The wait is shorter than the RPO so that a heartbeat that never shows is `unknown`, not a lag figure.
    const options = { clock: systemClock, pollMs: 25, maxWaitMs: () => 4_000 };
    return {
      dynamodb: createDynamoDbCanaryChecker(clients, options),
      s3: createS3CanaryChecker(clients, options),
      close: () => clients.destroy(),
    };
  };
  const context = (): CheckContext => ({
    now: Date.now(),
    call: (fn) => fn(AbortSignal.timeout(10_000)),
    defaults: { backupInterval: 24 * 3_600_000 },
  });
  const resource = <K extends 'dynamodb-global-table' | 's3-bucket'>(kind: K) => {
    const found = payments.resources.find((r) => r.kind === kind);
    if (!found) throw new Error(`payments has no ${kind}`);
    return found as Extract<NamedService['resources'][number], { kind: K }>;
  };

  /** Both replicas measure at once, so the second heartbeat replaces the first; each replica's checks. */
  const measureTogether = async (measure: (r: ReturnType<typeof replica>) => Promise<readonly Check[]>) => {
    const replicas = [replica(), replica()];
    try {
      return await Promise.all(replicas.map(measure));
    } finally {
      for (const r of replicas) r.close();
    }
  };
  /** Each replica measured the replication: no wait running out, no `unknown`. */
  const expectEachMeasured = (results: readonly (readonly Check[])[]) => {
    expect(results).toHaveLength(2);
    for (const checks of results) {
      expect(checks).toEqual([
        expect.objectContaining({ name: 'canary', source: 'canary', verdict: 'ready' }),
      ]);
      expect(checks[0]?.reason).toMatch(/canary replicated in/);
    }
  };

  it('lets both replicas see the DynamoDB canary arrive although the second heartbeat replaced the first', async () => {
    // Prepare
    const table = resource('dynamodb-global-table');

    // Act: both write the heartbeat item at once
    const results = await measureTogether((r) => r.dynamodb.check(table, payments, context()));

    // Assert
    expectEachMeasured(results);
  });

  it('lets both replicas see the S3 canary arrive although the second object version replaced the first', async () => {
    // Prepare
    const bucket = resource('s3-bucket');

    // Act
    const results = await measureTogether((r) => r.s3.check(bucket, payments, context()));

    // Assert
    expectEachMeasured(results);
  });
});
