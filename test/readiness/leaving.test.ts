import { afterEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/adapters/aws/clients.js';
import { leavingRegion } from '../../src/readiness/leaving.js';

/** Which clients an unplanned approval's run limits (src/readiness/leaving.ts): the Region it leaves, and only its own. */
describe('the clients of a run leaving a Region', () => {
  let aws: AwsClients | undefined;
  afterEach(() => aws?.destroy());

  it("limits that Region's own clients to one attempt, and keeps the recovery Region, Route 53 and its metrics", async () => {
    // Prepare
    aws = createAwsClients({ maxAttempts: 4 });
    const leaving = leavingRegion(aws, 'us-east-1', { budgetMs: 2_000 });

    // Act
    const left = leaving.forRegion('us-east-1');

    // Assert
    expect(await left.rds.config.maxAttempts()).toBe(1);
    expect(await left.backup.config.maxAttempts()).toBe(1);
    expect(left.route53).toBe(aws.forRegion('us-east-1').route53);
    expect(leaving.route53Metrics()).toBe(aws.route53Metrics());
    expect(await leaving.route53Metrics().config.maxAttempts()).toBe(4);
    expect(leaving.forRegion('us-west-2').rds).toBe(aws.forRegion('us-west-2').rds);
    expect(await leaving.forRegion('us-west-2').rds.config.maxAttempts()).toBe(4);
  });

  it('does the same for the clients of an assumed role', async () => {
    // Prepare
    aws = createAwsClients({ maxAttempts: 4 });
    const role = (region: string) => ({
      roleArn: `arn:aws:iam::111122223333:role/dr-${region}`,
      sessionName: 'test',
    });
    const leaving = leavingRegion(aws, 'us-east-1', { budgetMs: 2_000 }).own().assuming('111122223333', role);

    // Act
    const left = leaving.forRegion('us-east-1');

    // Assert
    expect(await left.dynamodb.config.maxAttempts()).toBe(1);
    expect(leaving.account).toBe('111122223333');
    expect(await leaving.forRegion('us-west-2').dynamodb.config.maxAttempts()).toBe(4);
  });
});
