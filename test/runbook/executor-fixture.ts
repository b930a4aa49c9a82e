import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { StepRecord } from '../../src/domain/records.js';
import { parsePlan } from '../../src/plan/load.js';
import { stepContext } from '../../src/runbook/drive-step.js';
import { defaultExecutors, executorFor } from '../../src/runbook/executors/index.js';
import { allSteps, routeFor } from '../../src/runbook/stages.js';
import type { RunbookMode } from '../../src/runbook/types.js';

/** A plan with one step of every kind and action, us-east-1 → us-west-2. */
export const PLAN = parsePlan(
  `
version: 1
account: "123456789012"
services:
  shop:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0SHOP
    approvers: { users: [U0ALICE] }
    stakeholderTopics: [arn:aws:sns:us-west-2:123456789012:shop-news]
    resources:
      - { id: db, kind: aurora-global-cluster, globalClusterIdentifier: shop-global, primaryClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:shop-use1", recoveryClusterArn: "arn:aws:rds:us-west-2:123456789012:cluster:shop-usw2" }
      - { id: legacy, kind: rds-instance, primaryInstance: legacy-db, replicaInstance: legacy-db-usw2 }
      - { id: web, kind: ec2, standbyInstances: [i-0aa1, i-0aa2], launchTemplate: { id: lt-0bb1 }, desiredCapacity: 3, copyTag: { key: app, value: shop } }
      - { id: carts, kind: dynamodb-global-table, tableName: shop-carts, canary: { enabled: true } }
      - { id: media, kind: s3-bucket, sourceBucket: shop-media-use1, destinationBucket: shop-media-usw2 }
      - { id: dns, kind: route53, hostedZoneId: ZSHOP, recordName: shop.example.com, primaryHealthCheckId: hc-use1 }
    runbook:
      failover:
        - { id: db, kind: aurora-global, resource: db }
        - { id: legacy, kind: rds-promote-replica, resource: legacy }
        - parallel:
            - { id: start-web, kind: ec2, resource: web, action: start-instances }
            - { id: launch-web, kind: ec2, resource: web, action: launch-from-ami }
        - { id: scale-web, kind: ec2, resource: web, action: set-capacity }
        - { id: carts, kind: dynamodb-global-table, resource: carts }
        - { id: media, kind: s3, resource: media }
        - { id: flip, kind: route53, resource: dns }
        - { id: record, kind: route53, resource: dns, action: update-record }
        - { id: settle, kind: wait, duration: 30s }
        - { id: verify, kind: verify, alarmName: shop-5xx }
        - { id: tell, kind: notify, message: Shop now serves from us-west-2. }
`,
  'executors.yml',
);

/** Every client the executors use, mocked (aws-sdk-client-mock stubs the class, so every instance). */
export function mockAll() {
  return {
    rds: mockClient(RDSClient),
    ec2: mockClient(EC2Client),
    ddb: mockClient(DynamoDBClient),
    s3: mockClient(S3Client),
    r53: mockClient(Route53Client),
    cw: mockClient(CloudWatchClient),
    sns: mockClient(SNSClient),
  };
}

/** The step's executor with a context over real (mocked) SDK clients. */
export function step(id: string, options: { mode?: RunbookMode; record?: StepRecord } = {}) {
  const mode = options.mode ?? 'planned';
  const route = routeFor(PLAN, 'shop', 'failover');
  const found = allSteps(route).find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  const env = {
    route,
    kind: 'failover' as const,
    mode,
    aws: createAwsClients({ maxAttempts: 1 }),
    clock: { now: () => 1_000_000 },
  };
  const ctx = stepContext(env, found, 'exec-1', () => options.record, false, 5_000);
  return { ctx, executor: executorFor(defaultExecutors, found) };
}
