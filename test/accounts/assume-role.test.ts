import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleError, createRoleCredentials, sessionName } from '../../src/adapters/aws/assume-role.js';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { clientsFor } from '../../src/adapters/aws/roles.js';
import { parsePlan } from '../../src/plan/load.js';

const ROLE = {
  primary: 'arn:aws:iam::210987654321:role/lifeboat-dr-use1',
  recovery: 'arn:aws:iam::210987654321:role/lifeboat-dr-usw2',
  externalId: 'lifeboat-7f3a',
};
const service = { role: ROLE, primaryRegion: 'us-east-1', recoveryRegion: 'us-west-2' };

const credentials = (key: string, expiresAt: number) => ({
  Credentials: {
    AccessKeyId: key,
    SecretAccessKey: `secret-${key}`,
    SessionToken: `token-${key}`,
    Expiration: new Date(expiresAt),
  },
});

describe('assumed-role clients (issue 17, other accounts)', () => {
  const sts = mockClient(STSClient);
  beforeEach(() => sts.reset());
  afterEach(() => sts.reset());

  it('gives a role-bearing service clients whose credentials come from AssumeRole on the Regional STS endpoint', async () => {
    sts
      .on(AssumeRoleCommand)
      .callsFake((input: { RoleArn: string }) =>
        credentials(input.RoleArn.endsWith('usw2') ? 'ASIARECOVERY' : 'ASIAPRIMARY', Date.now() + 3_600_000),
      );
    const regions: string[] = [];
    const aws = createAwsClients({
      onClient: (client, region) => {
        if (client instanceof STSClient) regions.push(region);
      },
    });
    const scoped = clientsFor(aws, service, undefined, 'exec-42');
    const recovery = await scoped.forRegion('us-west-2').ec2.config.credentials();
    expect(recovery.accessKeyId).toBe('ASIARECOVERY');
    expect(recovery.sessionToken).toBe('token-ASIARECOVERY');
    const primary = await scoped.forRegion('us-east-1').rds.config.credentials();
    expect(primary.accessKeyId).toBe('ASIAPRIMARY');
    const calls = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      {
        RoleArn: ROLE.recovery,
        RoleSessionName: 'lifeboat-exec-42',
        DurationSeconds: 3600,
        ExternalId: 'lifeboat-7f3a',
      },
      {
        RoleArn: ROLE.primary,
        RoleSessionName: 'lifeboat-exec-42',
        DurationSeconds: 3600,
        ExternalId: 'lifeboat-7f3a',
      },
    ]);
    // One STS client per Region the calls go to, each on that Region's endpoint (not sts.amazonaws.com).
    expect(regions).toEqual(['us-west-2', 'us-east-1']);
    const stsClients = sts.commandCalls(AssumeRoleCommand).map((c) => c.thisValue as STSClient);
    const endpoint = async (c: STSClient) => {
      const region = await c.config.region();
      const ep = await c.config.endpointProvider({
        Region: region,
        UseGlobalEndpoint: c.config.useGlobalEndpoint === true,
      });
      return ep.url.hostname;
    };
    expect(await endpoint(stsClients[0] as STSClient)).toBe('sts.us-west-2.amazonaws.com');
    expect(await endpoint(stsClients[1] as STSClient)).toBe('sts.us-east-1.amazonaws.com');
    // Lifeboat's own clients keep the default chain: not the role's credentials.
    const own = aws.forRegion('us-west-2').ec2;
    expect(own).not.toBe(scoped.forRegion('us-west-2').ec2);
    expect(own).toBeInstanceOf(EC2Client);
    expect(scoped.account).toBe('210987654321');
    expect(scoped.own()).toBe(aws);
    aws.destroy();
  });

  it('leaves a service without a role on Lifeboat’s own clients', () => {
    const aws = createAwsClients();
    expect(clientsFor(aws, { primaryRegion: 'us-east-1', recoveryRegion: 'us-west-2' }, undefined, 'x')).toBe(
      aws,
    );
    aws.destroy();
  });

  it("prefers a resource's own role to the service's", async () => {
    sts
      .on(AssumeRoleCommand)
      .callsFake((input: { RoleArn: string }) =>
        credentials(input.RoleArn.includes('bucket') ? 'ASIABUCKET' : 'ASIASERVICE', Date.now() + 3_600_000),
      );
    const aws = createAwsClients();
    const resource = {
      role: {
        primary: 'arn:aws:iam::333333333333:role/bucket',
        recovery: 'arn:aws:iam::333333333333:role/bucket',
      },
    };
    const creds = await clientsFor(aws, service, resource, 'r')
      .forRegion('us-west-2')
      .s3.config.credentials();
    expect(creds.accessKeyId).toBe('ASIABUCKET');
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.ExternalId).toBeUndefined();
    aws.destroy();
  });

  it('caches credentials until five minutes before they expire, then assumes the role again', async () => {
    let now = 1_000_000;
    let n = 0;
    sts.on(AssumeRoleCommand).callsFake(() => credentials(`ASIA${++n}`, now + 3_600_000));
    const stsClient = new STSClient({ region: 'us-west-2' });
    const roles = createRoleCredentials(
      () => stsClient,
      () => now,
    );
    const provider = roles.provider('us-west-2', {
      roleArn: ROLE.recovery,
      sessionName: 'lifeboat-readiness',
    });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('ASIA1');
    expect(b.accessKeyId).toBe('ASIA1');
    now += 54 * 60_000;
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now += 2 * 60_000; // 4 minutes left
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('turns a refusal into an AssumeRoleError named as STS named it, with no credentials in it, and does not cache it', async () => {
    const denied = Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/lifeboat-bot/task is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/lifeboat-dr-usw2',
      ),
      { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
    );
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(denied)
      .resolves(credentials('ASIAOK', Date.now() + 3_600_000));
    const aws = createAwsClients();
    const ec2 = clientsFor(aws, service, undefined, 'readiness').forRegion('us-west-2').ec2;
    const error = await ec2.config.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect((error as AssumeRoleError).name).toBe('AccessDenied');
    expect((error as AssumeRoleError).message).toMatch(
      /cannot assume arn:aws:iam::210987654321:role\/lifeboat-dr-usw2 through STS in us-west-2 \(AccessDenied/,
    );
    expect((error as AssumeRoleError).message).toMatch(/sts:ExternalId/);
    expect((await ec2.config.credentials()).accessKeyId).toBe('ASIAOK');
    aws.destroy();
  });

  it('names sessions within the RoleSessionName limits', () => {
    expect(sessionName('exec/01H:Z')).toBe('lifeboat-exec-01H-Z');
    expect(sessionName('x'.repeat(100))).toHaveLength(64);
  });
});

describe('plan: role (issue 17)', () => {
  const text = (roleAccount: string) => `version: 1
account: "123456789012"
services:
  ledger:
    account: "210987654321"
    role:
      primary: arn:aws:iam::${roleAccount}:role/dr
      recovery: arn:aws:iam::210987654321:role/dr
      externalId: ab
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 5m
    rto: 30m
    channel: C0LEDGER01
    approvers:
      users: [U0ALICE]
    resources:
      - id: t
        kind: dynamodb-global-table
        tableName: ledger-table
    runbook:
      failover:
        - id: w
          kind: wait
          duration: 1m
`;

  it('accepts a role per Region in the service account', () => {
    const plan = parsePlan(text('210987654321'));
    expect(plan.services.ledger?.role?.externalId).toBe('ab');
  });

  it('refuses a role of another account, at its line and column', () => {
    expect(() => parsePlan(text('999999999999'), 'p.yml')).toThrow(
      /p\.yml:7:\d+.*expected a role in the service's account 210987654321/,
    );
  });

  it('refuses an external id with a character STS does not accept', () => {
    expect(() =>
      parsePlan(text('210987654321').replace('externalId: ab', 'externalId: "a b"'), 'p.yml'),
    ).toThrow(/externalId/);
  });
});
