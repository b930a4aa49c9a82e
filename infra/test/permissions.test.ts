import { describe, expect, it } from 'vitest';
import {
  EXECUTION_TAG as RUNBOOK_EXECUTION_TAG,
  SERVICE_TAG as RUNBOOK_SERVICE_TAG,
} from '../../src/runbook/executors/ec2.js';
import { route53DemoPlan } from '../../test/helpers/plans.js';
import { normalizeRecordName } from '../lib/arns.js';
import { EXECUTION_TAG, SERVICE_TAG } from '../lib/grants/ec2.js';
import { DRILL_TAG_KEY, policyStatementsForPlan } from '../lib/permissions.js';
import { dedupeStatements, PolicyInvariantError, policyProblems } from '../lib/policy-spec.js';
import { actionsOf, DYNAMO_ONLY_PLAN, EXAMPLE_PLAN, isMutating, readPlan, statement } from './helpers.js';

describe('policyStatementsForPlan on a DynamoDB-only plan', () => {
  const statements = policyStatementsForPlan(readPlan(DYNAMO_ONLY_PLAN).plan);

  it('grants no rds or ec2 action at all', () => {
    // Act
    const actions = actionsOf(statements);

    // Assert
    expect(actions.filter((a) => a.startsWith('rds:') || a.startsWith('ec2:'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('route53:'))).toEqual([]);
  });

  it('reads the table in both Regions by ARN', () => {
    // Act
    const read = statement(statements, 'DynamoReadOrdersOrdersTable');

    // Assert
    expect(read.actions).toEqual(['dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTable']);
    expect(read.resources).toEqual([
      'arn:aws:dynamodb:eu-central-1:210987654321:table/orders',
      'arn:aws:dynamodb:eu-west-1:210987654321:table/orders',
    ]);
  });

  it('limits canary item access to the canary key prefix', () => {
    // Act
    const canary = statement(statements, 'DynamoCanaryOrdersOrdersTable');

    // Assert
    expect(canary.actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(canary.conditions).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['canary#*'] },
    });
  });

  it('grants no table mutation when no runbook step acts on the table', () => {
    // Prepare: without a failover step on the table, the default failback has none either
    const { plan } = readPlan(DYNAMO_ONLY_PLAN, (t) =>
      t.replace(
        'kind: dynamodb-global-table\n          resource: orders-table',
        'kind: wait\n          duration: 1m',
      ),
    );

    // Act
    const actions = actionsOf(policyStatementsForPlan(plan));

    // Assert
    expect(actions).not.toContain('dynamodb:UpdateTable');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actionsOf(statements)).toContain('dynamodb:UpdateTable');
  });

  it('publishes to the stakeholder topic and subscribes to the alarm topic only', () => {
    // Act
    const publish = statement(statements, 'NotifyStakeholdersOrders');
    const subscribe = statement(statements, 'AlarmTopicSubscriptions');

    // Assert
    expect(publish.resources).toEqual(['arn:aws:sns:eu-central-1:210987654321:orders-stakeholders']);
    expect(subscribe.resources).toEqual(['arn:aws:sns:eu-west-1:210987654321:orders-alarms']);
  });
});

describe('policyStatementsForPlan on the example plan', () => {
  const statements = policyStatementsForPlan(readPlan(EXAMPLE_PLAN).plan);

  it('never puts a mutating action on Resource "*"', () => {
    // Act
    const offenders = statements.filter((s) => s.resources.includes('*') && s.actions.some(isMutating));

    // Assert
    expect(offenders).toEqual([]);
    expect(statements.filter((s) => s.resources.includes('*')).map((s) => s.sid)).toEqual([
      'CloudWatchRead',
      'Ec2Describe',
      'AutoScalingDescribe',
      'EcsDescribeTaskDefinitions',
      'DynamoListStreams',
      'BackupJobsRead', // AWS Backup's list calls have no resource type (infra/lib/grants/backup.ts)
    ]);
  });

  it('lets readiness read the Capacity Reservations the plan names (no resource-level permissions)', () => {
    // Act
    const describe = statement(statements, 'Ec2Describe');

    // Assert
    expect(describe.actions).toContain('ec2:DescribeCapacityReservations');
    expect(describe.actions).toContain('ec2:DescribeInstanceTypes');
  });

  it("grants GetServiceQuota on the recovery Region's standard On-Demand vCPU quota only", () => {
    // Act
    const quota = statements.filter((s) => s.actions.includes('servicequotas:GetServiceQuota'));

    // Assert
    expect(quota.flatMap((s) => s.resources)).toEqual([
      'arn:aws:servicequotas:us-west-2:123456789012:ec2/L-1216C47A',
    ]);
  });

  it('scopes Aurora switchover and failover to the global cluster and its two clusters', () => {
    // Act
    const switchover = statement(statements, 'AuroraSwitchoverPaymentsPaymentsDb');

    // Assert
    expect(switchover.actions).toEqual(['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster']);
    expect(switchover.resources).toEqual([
      'arn:aws:rds::123456789012:global-cluster:payments-global',
      'arn:aws:rds:us-east-1:123456789012:cluster:payments-use1',
      'arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2',
    ]);
  });

  it('lets drills delete only lifeboat-drill- resources in the recovery Region', () => {
    // Act
    const cleanup = statement(statements, 'AuroraDrillCleanupUsWest2');

    // Assert
    expect(
      cleanup.resources.every((arn) => arn.includes(':us-west-2:') && arn.endsWith(':lifeboat-drill-*')),
    ).toBe(true);
  });

  it('promotes only the replica instance', () => {
    // Act
    const promote = statement(statements, 'RdsPromoteAccountsAccountsDb');

    // Assert
    expect(promote).toEqual({
      sid: 'RdsPromoteAccountsAccountsDb',
      actions: ['rds:PromoteReadReplica'],
      resources: ['arn:aws:rds:us-west-2:123456789012:db:accounts-db-usw2'],
    });
  });

  it('launches EC2 instances only through the plan launch template', () => {
    // Act
    const template = statement(statements, 'Ec2LaunchTemplatePaymentsPaymentsApi');
    const launch = statement(statements, 'Ec2LaunchFromTemplatePaymentsPaymentsApi');

    // Assert
    const lt = 'arn:aws:ec2:us-west-2:123456789012:launch-template/lt-0a1b2c3d4e5f60001';
    expect(template.resources).toEqual([lt]);
    expect(launch.conditions).toEqual({ ArnEquals: { 'ec2:LaunchTemplate': lt } });
    expect(launch.resources.every((arn) => arn.startsWith('arn:aws:ec2:us-west-2:'))).toBe(true);
  });

  it('terminates only instances that carry the drill tag and tags only on launch', () => {
    // Act
    const terminate = statement(statements, 'Ec2DrillTerminatePaymentsPaymentsApi');
    const tag = statement(statements, 'Ec2TagOnLaunchPaymentsPaymentsApi');

    // Assert
    expect(terminate.conditions).toEqual({ Null: { [`aws:ResourceTag/${DRILL_TAG_KEY}`]: 'false' } });
    expect(tag.conditions).toEqual({ StringEquals: { 'ec2:CreateAction': 'RunInstances' } });
  });

  it('moves DNS through the plan routing controls only: no Route 53 health check or record writes', () => {
    // Act
    const actions = actionsOf(statements);
    const set = statement(statements, 'ArcSetRoutingControlsPaymentsPaymentsRouting');

    // Assert
    expect(actions).not.toContain('route53:ChangeResourceRecordSets');
    expect(actions).not.toContain('route53:UpdateHealthCheck');
    expect(set.actions).toEqual([
      'route53-recovery-cluster:UpdateRoutingControlState',
      'route53-recovery-cluster:UpdateRoutingControlStates',
    ]);
    expect(set.resources).toEqual([
      'arn:aws:route53-recovery-control::123456789012:controlpanel/a1b2c3d4e5f6a7b8/routingcontrol/0a1b2c3d4e5f6a7b',
      'arn:aws:route53-recovery-control::123456789012:controlpanel/a1b2c3d4e5f6a7b8/routingcontrol/1a2b3c4d5e6f7a8b',
    ]);
  });

  it('reads and writes S3 objects only under the canary prefix', () => {
    // Act
    const canary = statement(statements, 'S3CanaryPaymentsPaymentsReceipts');
    const list = statement(statements, 'S3CanaryListPaymentsPaymentsReceipts');

    // Assert
    expect(canary.resources).toEqual([
      'arn:aws:s3:::payments-receipts-use1/lifeboat-canary/*',
      'arn:aws:s3:::payments-receipts-usw2/lifeboat-canary/*',
    ]);
    expect(list.conditions).toEqual({ StringLike: { 's3:prefix': 'lifeboat-canary/*' } });
  });

  it('gives every statement a unique alphanumeric id', () => {
    // Act
    const problems = policyProblems(statements);

    // Assert
    expect(problems).toEqual([]);
  });
});

describe('policyStatementsForPlan with other runbook actions', () => {
  it('fails the plan health checks but does not edit DNS records for a fail-health-check step', () => {
    // Prepare: the demo plan with DNS moved by Route 53 instead of ARC
    const route53Statements = policyStatementsForPlan(route53DemoPlan('fail-health-check'));

    // Act
    const actions = actionsOf(route53Statements);
    const update = statement(route53Statements, 'Route53FailHealthCheckPaymentsPaymentsDns');

    // Assert
    expect(actions).not.toContain('route53:ChangeResourceRecordSets');
    expect(update.actions).toEqual(['route53:UpdateHealthCheck']);
    expect(update.resources).toEqual([
      'arn:aws:route53:::healthcheck/hc-payments-use1',
      'arn:aws:route53:::healthcheck/hc-payments-usw2',
    ]);
  });

  it('allows an UPSERT of the plan record only, by normalised name and type, for an update-record step', () => {
    // Prepare: the demo plan with DNS moved by editing the PRIMARY record
    const plan = route53DemoPlan('update-record');

    // Act
    const change = statement(policyStatementsForPlan(plan), 'Route53UpdateRecordPaymentsPaymentsDns');

    // Assert
    expect(change.resources).toEqual(['arn:aws:route53:::hostedzone/Z0PAYMENTSZONE']);
    expect(change.conditions).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['api.payments.example.com'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
        'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      },
    });
  });

  it('grants replica re-creation in the old primary Region, under the plan primaryInstance, for a failback step', () => {
    // Prepare
    const { plan } = readPlan(EXAMPLE_PLAN, (t) =>
      t.replace(
        '          resource: accounts-sessions\n          estimate: 30s\n',
        '          resource: accounts-sessions\n          estimate: 30s\n      failback:\n' +
          '        - { id: rebuild-db, kind: rds-promote-replica, resource: accounts-db }\n' +
          '        - { id: readd-sessions, kind: dynamodb-global-table, resource: accounts-sessions }\n',
      ),
    );

    // Act
    const statements = policyStatementsForPlan(plan);

    // Assert
    expect(statement(statements, 'RdsFailbackReplicaAccountsAccountsDb').resources).toContain(
      'arn:aws:rds:us-east-1:123456789012:db:accounts-db',
    );
    expect(statement(statements, 'DynamoFailbackBackfillAccountsAccountsSessions').resources).toEqual([
      'arn:aws:dynamodb:us-east-1:123456789012:table/accounts-sessions',
    ]);
  });

  it('stops, on failback, only the recovery instances the runbook launched, and only with a stop-recovery step', () => {
    // Prepare
    const withStop = readPlan(EXAMPLE_PLAN, (t) =>
      t.replace(
        'message: Payments now serve from us-west-2.\n          estimate: 5s\n',
        'message: Payments now serve from us-west-2.\n          estimate: 5s\n      failback:\n' +
          '        - { id: stop-api, kind: ec2, resource: payments-api, action: stop-recovery }\n',
      ),
    ).plan;

    // Act
    const without = actionsOf(policyStatementsForPlan(readPlan(EXAMPLE_PLAN).plan));
    const withStatements = policyStatementsForPlan(withStop);
    const stop = statement(withStatements, 'Ec2StopLaunchedPaymentsPaymentsApi');

    // Assert
    expect(without).not.toContain('ec2:StopInstances');
    expect(stop.actions).toEqual(['ec2:StopInstances']);
    expect(stop.resources).toEqual(['arn:aws:ec2:us-west-2:123456789012:instance/*']);
    expect(stop.conditions).toEqual({
      StringEquals: { [`aws:ResourceTag/${SERVICE_TAG}`]: 'payments' },
      Null: { [`aws:ResourceTag/${EXECUTION_TAG}`]: 'false' },
    });
    expect([SERVICE_TAG, EXECUTION_TAG]).toEqual([RUNBOOK_SERVICE_TAG, RUNBOOK_EXECUTION_TAG]);
    const launchArns = withStatements
      .filter((x) => x.actions.includes('ec2:RunInstances'))
      .flatMap((x) => x.resources);
    expect(launchArns.some((a) => a.includes(':us-east-1:'))).toBe(false);
  });

  it('grants no Aurora switchover when no step acts on the cluster', () => {
    // Prepare
    const { plan } = readPlan(EXAMPLE_PLAN, (t) =>
      t.replace('kind: aurora-global\n          resource: payments-db', 'kind: wait\n          duration: 1m'),
    );

    // Act
    const actions = actionsOf(policyStatementsForPlan(plan));

    // Assert
    expect(actions).not.toContain('rds:SwitchoverGlobalCluster');
    expect(actions).toContain('rds:DescribeGlobalClusters');
  });

  it('passes only the listed roles, only to S3 and EC2', () => {
    // Prepare
    const role = 'arn:aws:iam::123456789012:role/payments-replication';

    // Act
    const statements = policyStatementsForPlan(readPlan(EXAMPLE_PLAN).plan, { passRoleArns: [role] });

    // Assert
    expect(statement(statements, 'PassReplicationAndInstanceRoles')).toEqual({
      sid: 'PassReplicationAndInstanceRoles',
      actions: ['iam:PassRole'],
      resources: [role],
      conditions: { StringEquals: { 'iam:PassedToService': ['s3.amazonaws.com', 'ec2.amazonaws.com'] } },
    });
  });
});

describe('policy invariants', () => {
  it('reports a mutating action on Resource "*"', () => {
    // Prepare
    const bad = [
      { sid: 'Bad', actions: ['rds:DescribeDBInstances', 'rds:DeleteDBInstance'], resources: ['*'] },
    ];

    // Act
    const problems = policyProblems(bad);

    // Assert
    expect(problems).toEqual(['Bad: mutating action(s) rds:DeleteDBInstance on Resource "*"']);
    expect(new PolicyInvariantError(problems).message).toContain('rds:DeleteDBInstance');
  });

  it('merges identical grants and keeps statement ids unique', () => {
    // Prepare
    const grant = { actions: ['rds:DeleteDBInstance'], resources: ['arn:aws:rds:us-west-2:1:db:x'] };

    // Act
    const merged = dedupeStatements([
      { sid: 'A', ...grant },
      { sid: 'B', ...grant },
      { sid: 'A', actions: ['sns:Publish'], resources: ['arn:t'] },
    ]);

    // Assert
    expect(merged.map((s) => s.sid)).toEqual(['A', 'A2']);
  });

  it('normalises record names the way Route 53 condition keys expect', () => {
    // Act & Assert
    expect(normalizeRecordName('API.Example.com.')).toBe('api.example.com');
    expect(normalizeRecordName('*.example.com')).toBe('\\052.example.com');
  });
});

describe('KMS grants for the keys the plan names', () => {
  it('lets EC2 and RDS use exactly those keys on the bot role’s behalf, in the keys’ Regions', () => {
    const statements = policyStatementsForPlan(readPlan(EXAMPLE_PLAN).plan);
    const kms = statements.filter((s) => s.actions.some((a) => a.startsWith('kms:')));

    expect(kms).toEqual([
      {
        sid: 'KmsUsePaymentsPaymentsApi',
        actions: [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        resources: ['arn:aws:kms:us-west-2:123456789012:key/mrk-payments-usw2'],
        conditions: {
          StringEquals: { 'kms:ViaService': ['ec2.us-west-2.amazonaws.com', 'rds.us-west-2.amazonaws.com'] },
        },
      },
      {
        sid: 'KmsGrantPaymentsPaymentsApi',
        actions: ['kms:CreateGrant'],
        resources: ['arn:aws:kms:us-west-2:123456789012:key/mrk-payments-usw2'],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
      expect.objectContaining({
        sid: 'KmsUseAccountsAccountsDb',
        resources: ['arn:aws:kms:us-east-1:123456789012:key/mrk-accounts-use1'],
      }),
      expect.objectContaining({ sid: 'KmsGrantAccountsAccountsDb' }),
    ]);
  });
});
