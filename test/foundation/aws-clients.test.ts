import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { describe, expect, it, vi } from 'vitest';
import { type AnyClient, createAwsClients } from '../../src/adapters/aws/clients.js';

/**
 * Issue 19 (docs/alarms.md, "Cold start and idle RSS of the compiled bot"): the AWS SDK packages are loaded and
 * the per-Region clients constructed on first use, not at start, with the clients' contract unchanged.
 */
describe('AWS clients on first use', () => {
  it('constructs no client until one is used, then that one only, once per Region', () => {
    const seen: [AnyClient, string][] = [];
    const aws = createAwsClients({ onClient: (client, region) => seen.push([client, region]) });
    const west = aws.forRegion('us-west-2');
    expect(seen).toEqual([]);
    expect(west.region).toBe('us-west-2');

    const ec2 = west.ec2;
    expect(ec2).toBeInstanceOf(EC2Client);
    expect(seen).toEqual([[ec2, 'us-west-2']]);
    expect(aws.forRegion('us-west-2').ec2).toBe(ec2);
    expect(aws.forRegion('us-east-1').ec2).not.toBe(ec2);
    expect(seen).toHaveLength(2);
    aws.destroy();
  });

  it('keeps each client its own configuration (Route 53 in us-east-1, Lambda Invoke one attempt)', async () => {
    const aws = createAwsClients({ maxAttempts: 4 });
    const clients = aws.forRegion('eu-west-1');
    expect(clients.route53).toBeInstanceOf(Route53Client);
    expect(await clients.route53.config.region()).toBe('us-east-1');
    expect(clients.lambda).toBeInstanceOf(LambdaClient);
    expect(clients.lambdaInvoke).not.toBe(clients.lambda);
    expect(await clients.lambdaInvoke.config.maxAttempts()).toBe(1);
    expect(await clients.lambda.config.maxAttempts()).toBe(4);
    aws.destroy();
  });

  it('destroys the clients that were constructed, and builds new ones after', () => {
    const made: AnyClient[] = [];
    const aws = createAwsClients({ onClient: (client) => made.push(client) });
    const { s3, sns } = aws.forRegion('us-east-1');
    const destroyed = made.map((client) => vi.spyOn(client, 'destroy'));
    aws.destroy();
    for (const spy of destroyed) expect(spy).toHaveBeenCalledOnce();
    expect(made).toHaveLength(2);
    expect(aws.forRegion('us-east-1').s3).not.toBe(s3);
    expect(aws.forRegion('us-east-1').sns).not.toBe(sns);
    aws.destroy();
  });

  it('importing the composition root loads no AWS SDK client package but DynamoDB’s (the state store), nor dynalite', async () => {
    // A process of its own: this test process has loaded SDK packages already.
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('./src/main.ts');",
      'const cache = createRequire(import.meta.url).cache;',
      'const names = Object.keys(cache).map((f) => /node_modules\\/(@aws-sdk\\/client-[^/]+|dynalite)\\//.exec(f)?.[1]);',
      'console.log(JSON.stringify([...new Set(names.filter(Boolean))].sort()));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: process.cwd() },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]')).toEqual(['@aws-sdk/client-dynamodb']);
  }, 60_000);
});
