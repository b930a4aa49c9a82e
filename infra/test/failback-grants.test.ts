import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/adapters/aws/clients.js';
import { manualClock } from '../../src/domain/clock.js';
import { rds as reverseRds } from '../../src/failback/reverse-rds.js';
import type { Plan } from '../../src/plan/load.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { rdsPromoteExecutor } from '../../src/runbook/executors/rds.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import { route53DemoPlan } from '../../test/helpers/plans.js';
import { lambdaPlan } from '../../test/kinds/lambda-fixture.js';
import { policyStatementsForPlan } from '../lib/permissions.js';
import { actionsOf, allows, EXAMPLE_PLAN, isMutating, REPO_ROOT, readPlan, statement } from './helpers.js';

const ACCOUNT = '123456789012';
const db = (region: string, id: string) =>
  id.startsWith('arn:') ? id : `arn:aws:rds:${region}:${ACCOUNT}:db:${id}`;

interface Sent {
  readonly region: string;
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}
type Reply = (input: Readonly<Record<string, unknown>>) => unknown;

/** RDS clients per Region that record what the code sends and answer `<region> <Command>` from `replies`. */
function fakeRds(replies: Readonly<Record<string, Reply>>): { aws: AwsClients; sent: Sent[] } {
  const sent: Sent[] = [];
  const rdsIn = (region: string) => ({
    async send(command: { readonly input: Readonly<Record<string, unknown>> }) {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ region, command: name, input: command.input });
      const reply = replies[`${region} ${name}`];
      if (!reply) throw new Error(`unexpected ${name} in ${region}`);
      return reply(command.input);
    },
  });
  const aws = { forRegion: (region: string) => ({ region, rds: rdsIn(region) }), destroy() {} };
  return { aws: aws as unknown as AwsClients, sent };
}

const notFound = () => {
  const error = new Error('DBInstance not found');
  error.name = 'DBInstanceNotFoundFault';
  throw error;
};

const accountsDb = (plan: Plan) => {
  const service = plan.services.accounts;
  const resource = service?.resources.find((r) => r.id === 'accounts-db');
  if (!service || resource?.kind !== 'rds-instance') throw new Error('the example plan changed');
  return { service: { ...service, name: 'accounts' }, resource: resource as ResourceOf<'rds-instance'> };
};

describe('failback permissions of a plan without runbook.failback (the default failback)', () => {
  const { plan } = readPlan(EXAMPLE_PLAN);
  const statements = policyStatementsForPlan(plan);

  it('grants what the default failback does: data, then compute, back in the primary Region', () => {
    // Act
    const promote = statement(statements, 'RdsFailbackPromoteAccountsAccountsDb');
    const start = statement(statements, 'Ec2StartPaymentsPaymentsApi');

    // Assert
    expect(promote).toEqual({
      sid: 'RdsFailbackPromoteAccountsAccountsDb',
      actions: ['rds:PromoteReadReplica'],
      resources: [`arn:aws:rds:us-east-1:${ACCOUNT}:db:accounts-db`],
    });
    expect(start.resources).toEqual([`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60001`]);
    expect(statement(statements, 'RdsFailbackReplicaAccountsAccountsDb').actions).toEqual([
      'rds:CreateDBInstanceReadReplica',
    ]);
    expect(statement(statements, 'S3FailbackReplicationPaymentsPaymentsReceipts').actions).toEqual([
      's3:PutReplicationConfiguration',
    ]);
    expect(statement(statements, 'DynamoFailbackReplicaAccountsAccountsSessions').resources).toContain(
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/accounts-sessions`,
    );
    expect(statement(statements, 'DynamoFailbackReplicaPaymentsPaymentsLedger').resources).toContain(
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/payments-ledger`,
    );
  });

  it('grants nothing for the default failback once a plan writes its own runbook.failback', () => {
    // Prepare: accounts' own failback only checks the sessions table
    const { plan: own } = readPlan(EXAMPLE_PLAN, (t) =>
      t.replace(
        '          resource: accounts-sessions\n          estimate: 30s\n',
        '          resource: accounts-sessions\n          estimate: 30s\n      failback:\n' +
          '        - { id: sessions-home, kind: dynamodb-global-table, resource: accounts-sessions }\n',
      ),
    );

    // Act
    const sids = policyStatementsForPlan(own).map((s) => s.sid);

    // Assert
    expect(sids).toContain('DynamoFailbackReplicaAccountsAccountsSessions');
    expect(sids.filter((sid) => sid.startsWith('RdsFailback'))).toEqual([]);
  });

  it('names exact DB instance ARNs for every RDS failback mutation', () => {
    // Act
    const rdsFailback = statements.filter((s) => s.sid.startsWith('RdsFailback'));

    // Assert
    expect(rdsFailback.map((s) => s.sid)).toEqual([
      'RdsFailbackReplicaAccountsAccountsDb',
      'RdsFailbackTagAccountsAccountsDb',
      'RdsFailbackPromoteAccountsAccountsDb',
    ]);
    const dbArns = rdsFailback.flatMap((s) => s.resources).filter((arn) => arn.includes(':db:'));
    expect(dbArns.filter((arn) => arn.includes('*'))).toEqual([]);
  });
});

describe('EC2 failback launches in the primary Region', () => {
  const PRIMARIES = '        primaryInstances: [i-0a1b2c3d4e5f60001]\n';
  const launchOnly = (replacement: string) =>
    policyStatementsForPlan(readPlan(EXAMPLE_PLAN, (t) => t.replace(PRIMARIES, replacement)).plan);
  const launchArnsIn = (statements: ReturnType<typeof policyStatementsForPlan>, region: string) =>
    statements
      .filter((x) => x.actions.includes('ec2:RunInstances'))
      .flatMap((x) => x.resources)
      .filter((a) => a.includes(`:${region}:`));

  it("grants RunInstances in the primary Region only through the plan's primaryLaunchTemplate", () => {
    // Act
    const statements = launchOnly('        primaryLaunchTemplate: { id: lt-0b1c2d3e4f5a60002 }\n');

    // Assert
    const lt = `arn:aws:ec2:us-east-1:${ACCOUNT}:launch-template/lt-0b1c2d3e4f5a60002`;
    expect(statement(statements, 'Ec2FailbackLaunchTemplatePaymentsPaymentsApi').resources).toEqual([lt]);
    const launch = statement(statements, 'Ec2FailbackLaunchFromTemplatePaymentsPaymentsApi');
    expect(launch.conditions).toEqual({ ArnEquals: { 'ec2:LaunchTemplate': lt } });
    expect(launch.resources.every((a) => a.startsWith('arn:aws:ec2:us-east-1:'))).toBe(true);
    expect(allows(statements, 'ec2:RunInstances', `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123`)).toBe(
      false,
    );
    expect(statement(statements, 'Ec2LaunchTemplatePaymentsPaymentsApi').resources).toEqual([
      `arn:aws:ec2:us-west-2:${ACCOUNT}:launch-template/lt-0a1b2c3d4e5f60001`,
    ]);
  });

  it('grants no launch in the primary Region when the plan names no primaryLaunchTemplate (the step refuses to run)', () => {
    // Act
    const statements = launchOnly('');

    // Assert
    expect(launchArnsIn(statements, 'us-east-1')).toEqual([]);
    expect(launchArnsIn(statements, 'us-west-2').length).toBeGreaterThan(0);
  });
});

describe('the RDS failback path against the policy', () => {
  const { plan } = readPlan(EXAMPLE_PLAN);
  const statements = policyStatementsForPlan(plan);
  const { service, resource } = accountsDb(plan);
  const promoted = {
    DBInstanceIdentifier: 'accounts-db-usw2',
    DBInstanceArn: db('us-west-2', 'accounts-db-usw2'),
    DBInstanceStatus: 'available',
    BackupRetentionPeriod: 7,
  };

  it('allows every call the failback setup makes, on the instances it names', async () => {
    // Prepare: failed over; the old primary is gone, so the replica back is offered under its identifier
    const { aws, sent } = fakeRds({
      'us-west-2 DescribeDBInstances': () => ({ DBInstances: [promoted] }),
      'us-east-1 DescribeDBInstances': notFound,
    });

    // Act
    const [item] = await reverseRds({ aws, service, signal: () => new AbortController().signal }, resource);

    // Assert
    const setup = item.setup;
    if (!setup) throw new Error(`no setup step offered: ${item.text}`);
    expect(setup.command).toBe('CreateDBInstanceReadReplica');
    const input = setup.input as { DBInstanceIdentifier: string; SourceDBInstanceIdentifier: string };
    expect(
      allows(statements, 'rds:CreateDBInstanceReadReplica', db(setup.region, input.DBInstanceIdentifier)),
    ).toBe(true);
    expect(
      allows(
        statements,
        'rds:CreateDBInstanceReadReplica',
        db(setup.region, input.SourceDBInstanceIdentifier),
      ),
    ).toBe(true);
    expect(sent.length).toBeGreaterThan(0);
    for (const call of sent)
      expect(
        allows(statements, `rds:${call.command}`, db(call.region, String(call.input.DBInstanceIdentifier))),
      ).toBe(true);
  });

  it('allows the failback promotion of the replica back in the primary Region, and of no other instance', async () => {
    // Prepare: the replica back exists under the plan's primaryInstance and has caught up
    const { aws, sent } = fakeRds({
      'us-west-2 DescribeDBInstances': () => ({
        DBInstances: [{ ...promoted, ReadReplicaDBInstanceIdentifiers: [db('us-east-1', 'accounts-db')] }],
      }),
      'us-east-1 DescribeDBInstances': () => ({
        DBInstances: [
          {
            DBInstanceIdentifier: 'accounts-db',
            DBInstanceStatus: 'available',
            ReadReplicaSourceDBInstanceIdentifier: promoted.DBInstanceArn,
          },
        ],
      }),
    });
    const route = routeFor(plan, 'accounts', 'failback');
    const step = allSteps(route).find((s) => s.kind === 'rds-promote-replica');
    if (!step) throw new Error('the default failback of accounts has no RDS step');
    const env = { route, kind: 'failback' as const, mode: 'planned' as const, aws, clock: manualClock() };
    const ctx = stepContext(env, step, 'execution', () => undefined, true, 10_000);

    // Act
    const observation = await rdsPromoteExecutor.observe(
      ctx as Parameters<typeof rdsPromoteExecutor.observe>[0],
    );
    const calls = rdsPromoteExecutor.calls(
      ctx as Parameters<typeof rdsPromoteExecutor.calls>[0],
      observation,
    );

    // Assert
    expect(observation.state).toBe('not-started');
    expect(calls).toHaveLength(1);
    for (const call of calls)
      expect(
        allows(statements, `rds:${call.command}`, db(call.region, String(call.input.DBInstanceIdentifier))),
      ).toBe(true);
    for (const call of sent)
      expect(
        allows(statements, `rds:${call.command}`, db(call.region, String(call.input.DBInstanceIdentifier))),
      ).toBe(true);
    expect(allows(statements, 'rds:PromoteReadReplica', db('us-east-1', 'accounts-db-reporting'))).toBe(
      false,
    );
  });
});

/** `@aws-sdk/client-<name>` → IAM service prefix. */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  rds: 'rds',
  ec2: 'ec2',
  s3: 's3',
  dynamodb: 'dynamodb',
  'route-53': 'route53',
  'route53-recovery-cluster': 'route53-recovery-cluster',
  cloudwatch: 'cloudwatch',
  sns: 'sns',
  'auto-scaling': 'autoscaling',
  ecs: 'ecs',
  ecr: 'ecr',
  lambda: 'lambda',
  elasticache: 'elasticache',
  // DocumentDB's IAM actions are in the rds namespace (DocumentDB developer guide, identity-based policies).
  docdb: 'rds',
};
/** SDK commands whose IAM action has another name. */
const IAM_ACTION: Readonly<Record<string, string>> = {
  's3:PutBucketReplication': 's3:PutReplicationConfiguration',
  's3:GetBucketReplication': 's3:GetReplicationConfiguration',
  'lambda:Invoke': 'lambda:InvokeFunction',
};

/** Which SDK package each loader of src/adapters/aws/sdk.ts loads (`ec2` → `ec2`, `autoScaling` → `auto-scaling`). */
const SDK_PACKAGES = new Map(
  [
    ...readFileSync(join(REPO_ROOT, 'src/adapters/aws/sdk.ts'), 'utf8').matchAll(
      /(\w+): \(\): typeof \w+ =>\s*require\('@aws-sdk\/client-([a-z0-9-]+)'\)/g,
    ),
  ].map((m) => [m[1] ?? '', m[2] ?? '']),
);

/**
 * IAM actions of the AWS SDK commands a source file constructs, by the client package they come from: imported
 * (`new XCommand(`, DynamoDB's) or loaded on first use (`new (sdk.<package>().XCommand)(`, src/adapters/aws/sdk.ts).
 */
function commandsSentBy(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const actions: string[] = [];
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
    const prefix = IAM_PREFIX[m[2] ?? ''];
    if (!prefix) throw new Error(`${file}: no IAM prefix known for @aws-sdk/client-${m[2]}`);
    for (const name of (m[1] ?? '').split(',').map((n) => n.trim())) {
      const command = /^([A-Za-z0-9]+)Command$/.exec(name)?.[1];
      if (command && text.includes(`new ${name}(`)) {
        const action = `${prefix}:${command}`;
        actions.push(IAM_ACTION[action] ?? action);
      }
    }
  }
  for (const m of text.matchAll(/new \(sdk\.(\w+)\(\)\.([A-Za-z0-9]+)Command\)\(/g)) {
    const pkg = SDK_PACKAGES.get(m[1] ?? '');
    const prefix = IAM_PREFIX[pkg ?? ''];
    if (!prefix) throw new Error(`${file}: no IAM prefix known for sdk.${m[1]} (@aws-sdk/client-${pkg})`);
    const action = `${prefix}:${m[2]}`;
    actions.push(IAM_ACTION[action] ?? action);
  }
  return actions;
}

describe('what the runbook executors and the failback feature send versus what the policy grants', () => {
  const dirs = [
    'src/runbook/executors',
    'src/failback',
    'src/kinds/autoscaling',
    'src/kinds/ecs',
    'src/kinds/lambda',
    'src/kinds/elasticache',
    'src/kinds/docdb',
  ];
  const sent = [
    ...new Set(
      dirs.flatMap((dir) =>
        readdirSync(join(REPO_ROOT, dir))
          .filter((f) => f.endsWith('.ts'))
          .flatMap((f) => commandsSentBy(join(REPO_ROOT, dir, f))),
      ),
    ),
  ].sort();
  // Every step kind and action at least once: the example plan (its failback is the default one; DNS moves
  // by ARC), the demo plan with DNS moved by Route 53 (fail-health-check, then update-record), and a
  // failback that stops the recovery instances.
  const plans = [
    readPlan(EXAMPLE_PLAN).plan,
    route53DemoPlan('fail-health-check'),
    route53DemoPlan('update-record'),
    readPlan(EXAMPLE_PLAN, (t) =>
      t.replace(
        'message: Payments now serve from us-west-2.\n          estimate: 5s\n',
        'message: Payments now serve from us-west-2.\n          estimate: 5s\n      failback:\n' +
          '        - { id: stop-api, kind: ec2, resource: payments-api, action: stop-recovery }\n',
      ),
    ).plan,
    lambdaPlan(),
    // The second example plan: ElastiCache global datastore and DocumentDB global cluster steps.
    readPlan(join(REPO_ROOT, 'examples/dr-plan.datastores.yml')).plan,
  ];
  const granted = new Set(plans.flatMap((p) => actionsOf(policyStatementsForPlan(p))));

  it('finds the mutating calls of failover and failback in the code', () => {
    // Assert: the scan sees the calls this file is about, so an empty scan cannot pass
    expect(sent).toEqual(
      expect.arrayContaining([
        'rds:PromoteReadReplica',
        'rds:CreateDBInstanceReadReplica',
        'rds:SwitchoverGlobalCluster',
        'ec2:StartInstances',
        'ec2:StopInstances',
        's3:PutReplicationConfiguration',
        'dynamodb:UpdateTable',
        'route53:ChangeResourceRecordSets',
        'route53:UpdateHealthCheck',
        'route53-recovery-cluster:UpdateRoutingControlStates',
        'autoscaling:UpdateAutoScalingGroup',
        'ecs:UpdateService',
        'lambda:InvokeFunction',
        'elasticache:FailoverGlobalReplicationGroup',
        'rds:FailoverGlobalCluster',
      ]),
    );
    expect(sent.filter(isMutating).length).toBeGreaterThanOrEqual(8);
  });

  it('grants every AWS call the executors and the failback feature make', () => {
    // Act
    const missing = sent.filter((action) => !granted.has(action));

    // Assert
    expect(missing).toEqual([]);
  });
});
