import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImagesCommand, DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { systemClock } from '../../src/domain/clock.js';
import { bucketsFor, createRequestRates } from '../../src/sandbox/aws/throttle.js';
import { type CloudEnv, simulatedCloud } from './helpers.js';

/** Outcome of each of `n` calls sent at once: 'ok' or the error's name. */
async function burst(n: number, send: () => Promise<unknown>): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, () =>
      send().then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    ),
  );
}
const count = (outcomes: string[], what: string) => outcomes.filter((o) => o === what).length;

/** AWS's documented request rates (FIDELITY.md, "API request rates"), through the real SDK clients. */
describe('API request rates of the simulated cloud', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  /** Clients that never retry, so every refusal is seen. */
  const once = (e: CloudEnv) => createAwsClients({ onClient: e.cloud.attach, maxAttempts: 1 });

  it('EC2: 100 requests of one non-mutating API at once, then 20 a second; other APIs have their own bucket', async () => {
    env = await simulatedCloud();
    const ec2: EC2Client = once(env).forRegion('us-east-1').ec2;
    const first = await burst(101, () => ec2.send(new DescribeInstancesCommand({})));
    expect(count(first, 'ok')).toBe(100);
    expect(count(first, 'RequestLimitExceeded')).toBe(1);
    // Another API is not affected; another Region has its own buckets.
    await expect(ec2.send(new DescribeImagesCommand({}))).resolves.toBeDefined();
    const west = once(env).forRegion('us-west-2').ec2;
    await expect(west.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
    env.clock.advance(1_000);
    const next = await burst(21, () => ec2.send(new DescribeInstancesCommand({})));
    expect(count(next, 'ok')).toBe(20);
    expect(env.cloud.throttled().get('ec2:DescribeInstances')).toBe(2);
  }, 30_000);

  it('EC2 answers RequestLimitExceeded with HTTP 503', async () => {
    env = await simulatedCloud();
    const ec2 = once(env).forRegion('us-east-1').ec2;
    await burst(100, () => ec2.send(new DescribeInstancesCommand({})));
    const error = await ec2.send(new DescribeInstancesCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
  }, 30_000);

  it('RDS: 300 requests in a burst across its APIs, then 12 a second, answered Throttling', async () => {
    env = await simulatedCloud();
    const rds: RDSClient = once(env).forRegion('us-east-1').rds;
    const first = await burst(300, () => rds.send(new DescribeDBInstancesCommand({})));
    expect(count(first, 'ok')).toBe(300);
    const other = await rds.send(new DescribeDBSnapshotsCommand({})).catch((e: unknown) => e);
    expect(other).toMatchObject({ name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    env.clock.advance(1_000);
    const next = await burst(13, () => rds.send(new DescribeDBSnapshotsCommand({})));
    expect(count(next, 'ok')).toBe(12);
  }, 30_000);

  it('Route 53: 50 requests at once for the whole account, then 10 a second, answered Throttling', async () => {
    env = await simulatedCloud();
    // Route 53's control plane is global: both Regions' clients share the account's bucket.
    const east: Route53Client = once(env).forRegion('us-east-1').route53;
    const west: Route53Client = once(env).forRegion('us-west-2').route53;
    // An unknown health check answers NoSuchHealthCheck: admitted, then refused by the model.
    const status = (client: Route53Client) => () =>
      client.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'unknown' }));
    const first = await burst(25, status(east));
    const second = await burst(26, status(west));
    expect(count(first, 'Throttling')).toBe(0);
    expect(count(second, 'Throttling')).toBe(1);
    const error = await status(east)().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    env.clock.advance(1_000);
    const next = await burst(11, status(east));
    expect(count(next, 'Throttling')).toBe(1);
  }, 30_000);

  it('CloudWatch GetMetricData: 50 transactions a second', async () => {
    env = await simulatedCloud();
    const cw: CloudWatchClient = once(env).forRegion('us-east-1').cloudwatch;
    const input = { StartTime: new Date(0), EndTime: new Date(60_000), MetricDataQueries: [] };
    const first = await burst(51, () => cw.send(new GetMetricDataCommand(input)));
    expect(count(first, 'ok')).toBe(50);
    expect(count(first, 'Throttling')).toBe(1);
  }, 30_000);

  it('apiRates off: no request is refused for its rate', async () => {
    env = await simulatedCloud({ apiRates: 'off' });
    const ec2 = once(env).forRegion('us-east-1').ec2;
    const outcomes = await burst(150, () => ec2.send(new DescribeInstancesCommand({})));
    expect(count(outcomes, 'ok')).toBe(150);
  }, 30_000);

  it("Lifeboat's clients (adaptive retry) absorb a burst past the bucket", async () => {
    // The real clock, so the bucket refills while the SDK backs off.
    env = await simulatedCloud({ clock: systemClock });
    const ec2 = createAwsClients({ onClient: env.cloud.attach }).forRegion('us-east-1').ec2;
    const outcomes = await burst(110, () => ec2.send(new DescribeInstancesCommand({})));
    expect(count(outcomes, 'ok')).toBe(110);
    expect(env.cloud.throttled().get('ec2:DescribeInstances') ?? 0).toBeGreaterThan(0);
  }, 60_000);
});

describe('the request-rate buckets', () => {
  it('DynamoDB: the control plane is rate limited (2,500/s), the data plane is not', () => {
    expect(bucketsFor('dynamodb', 'DescribeTable')).toEqual([
      { scope: 'dynamodb:control', capacity: 2_500, refillPerSecond: 2_500 },
    ]);
    expect(bucketsFor('dynamodb', 'UpdateItem')).toEqual([]);
  });

  it('a refused request takes no token from the other bucket', () => {
    let t = 0;
    const rates = createRequestRates(() => t);
    const call = (operation: string) => ({ service: 'route53' as const, operation, input: {} });
    // CreateHealthCheck: 50 tokens, 0.5 a second; the account's bucket holds 50.
    for (let i = 0; i < 50; i++) expect(rates.admit(call('CreateHealthCheck'), 'a', 'us-east-1')).toBe(true);
    expect(rates.admit(call('CreateHealthCheck'), 'a', 'us-east-1')).toBe(false);
    t += 2_000; // +20 account tokens, +1 CreateHealthCheck token
    expect(rates.admit(call('CreateHealthCheck'), 'a', 'us-east-1')).toBe(true);
    expect(rates.admit(call('CreateHealthCheck'), 'a', 'us-east-1')).toBe(false);
    for (let i = 0; i < 19; i++) expect(rates.admit(call('ListHealthChecks'), 'a', 'us-east-1')).toBe(true);
    expect(rates.admit(call('ListHealthChecks'), 'a', 'us-east-1')).toBe(false);
    // Another account has its own buckets.
    expect(rates.admit(call('ListHealthChecks'), 'b', 'us-east-1')).toBe(true);
  });
});
