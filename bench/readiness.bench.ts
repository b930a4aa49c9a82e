import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import {
  GetBucketEncryptionCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsClients } from '../src/adapters/aws/clients.js';
import { parsePlan } from '../src/plan/load.js';
import { createAwsCheckers } from '../src/readiness/aws/index.js';
import { createReadinessEngine } from '../src/readiness/engine.js';
import { runOrgReadiness } from './readiness-org.js';
import type { BenchResult } from './types.js';

const RESOURCES = 1_000;
const LATENCY_MS = 50;
const CONCURRENCY = 100;

/** 1,000 resources, a quarter of each of four kinds, in one service. */
function planYaml(): string {
  const resources: string[] = [];
  for (let i = 0; i < RESOURCES; i++) {
    const id = `r-${i}`;
    switch (i % 4) {
      case 0:
        resources.push(`      - { id: ${id}, kind: dynamodb-global-table, tableName: table-${i} }`);
        break;
      case 1:
        resources.push(
          `      - { id: ${id}, kind: s3-bucket, sourceBucket: src-${i}, destinationBucket: dst-${i}, replicationRuleId: rule }`,
        );
        break;
      case 2:
        resources.push(
          `      - { id: ${id}, kind: rds-instance, primaryInstance: db-${i}, replicaInstance: db-${i}-dr }`,
        );
        break;
      default:
        resources.push(
          `      - { id: ${id}, kind: route53, hostedZoneId: ZBENCH, recordName: r${i}.example.com, primaryHealthCheckId: hc-${i}-a, recoveryHealthCheckId: hc-${i}-b }`,
        );
    }
  }
  return `version: 1
account: "123456789012"
services:
  bench:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0BENCH
    approvers: { users: [U0BENCH] }
    resources:
${resources.join('\n')}
    runbook:
      failover:
        - { id: notify, kind: notify, message: bench }
`;
}

/** Healthy answers for every command the four checkers send, each after LATENCY_MS. */
function mockAws(now: number) {
  const later =
    <T>(value: T) =>
    async () => {
      await sleep(LATENCY_MS);
      return value;
    };
  const at = new Date(now - 60_000);
  const rds = mockClient(RDSClient);
  const dynamodb = mockClient(DynamoDBClient);
  const s3 = mockClient(S3Client);
  const route53 = mockClient(Route53Client);
  const cloudwatch = mockClient(CloudWatchClient);
  cloudwatch.on(GetMetricDataCommand).callsFake(async (input: { MetricDataQueries?: { Id?: string }[] }) => {
    await sleep(LATENCY_MS);
    return {
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
        Id: q.Id,
        Values: [1],
        Timestamps: [at],
      })),
    };
  });
  dynamodb.on(DescribeTableCommand).callsFake(
    // Read through either Region (the checker reads the recovery Region's replica): both replicas listed.
    later({
      Table: {
        TableStatus: 'ACTIVE' as const,
        Replicas: ['us-east-1', 'us-west-2'].map((RegionName) => ({
          RegionName,
          ReplicaStatus: 'ACTIVE' as const,
        })),
      },
    }),
  );
  dynamodb.on(DescribeContinuousBackupsCommand).callsFake(
    later({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED' as const,
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' as const },
      },
    }),
  );
  s3.on(GetBucketVersioningCommand).callsFake(later({ Status: 'Enabled' as const }));
  s3.on(GetBucketReplicationCommand).callsFake(async (input: { Bucket?: string }) => {
    await sleep(LATENCY_MS);
    const dst = (input.Bucket ?? '').replace('src-', 'dst-');
    return {
      ReplicationConfiguration: {
        Role: 'r',
        Rules: [{ ID: 'rule', Status: 'Enabled' as const, Destination: { Bucket: `arn:aws:s3:::${dst}` } }],
      },
    };
  });
  s3.on(GetBucketEncryptionCommand).callsFake(
    later({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } }],
      },
    }),
  );
  rds.on(DescribeDBInstancesCommand).callsFake(async (input: { DBInstanceIdentifier?: string }) => {
    await sleep(LATENCY_MS);
    const id = input.DBInstanceIdentifier ?? '';
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: id,
          DbiResourceId: `db-${id}`,
          DBInstanceStatus: 'available',
          StorageEncrypted: true,
          ReadReplicaSourceDBInstanceIdentifier: id.replace(/-dr$/, ''),
        },
      ],
    };
  });
  rds
    .on(DescribeDBSnapshotsCommand)
    .callsFake(later({ DBSnapshots: [{ Status: 'available', SnapshotCreateTime: at, Encrypted: true }] }));
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(
    later({
      DBInstanceAutomatedBackups: [
        { Status: 'replicating', Encrypted: true, RestoreWindow: { LatestTime: at } },
      ],
    }),
  );
  route53
    .on(GetHealthCheckStatusCommand)
    .callsFake(later({ HealthCheckObservations: [{ StatusReport: { Status: 'Success' } }] }));
  route53.on(ListResourceRecordSetsCommand).callsFake(async (input: { StartRecordName?: string }) => {
    await sleep(LATENCY_MS);
    const Name = `${input.StartRecordName}.`;
    return {
      IsTruncated: false,
      MaxItems: 20,
      ResourceRecordSets: [
        { Name, Type: 'A' as const, Failover: 'PRIMARY' as const, HealthCheckId: 'hc' },
        { Name, Type: 'A' as const, Failover: 'SECONDARY' as const },
      ],
    };
  });
  const stubs: { calls(): unknown[]; restore(): void }[] = [rds, dynamodb, s3, route53, cloudwatch];
  return {
    calls: () => stubs.reduce((sum, stub) => sum + stub.calls().length, 0),
    restore: () => {
      for (const stub of stubs) stub.restore();
    },
  };
}

/**
 * Readiness of 1,000 resources against mocked AWS answering after 50 ms each, without request rates: wall time
 * against the lower bound (calls × latency / concurrency) and against a serial run (computed: calls × latency).
 * Then readiness at organisation scale against the simulated cloud with AWS's request rates (readiness-org.ts).
 */
export default async function run(): Promise<BenchResult[]> {
  const unthrottled = await runMocked();
  return [...unthrottled, ...(await runOrgReadiness())];
}

async function runMocked(): Promise<BenchResult[]> {
  const plan = parsePlan(planYaml(), 'bench-plan.yml');
  const service = plan.services.bench;
  if (!service) throw new Error('bench plan has no service');
  const now = Date.now();
  const aws = mockAws(now);
  const clients = createAwsClients({ maxAttempts: 1 });
  try {
    const engine = createReadinessEngine({
      checkers: createAwsCheckers(clients),
      clock: { now: () => now },
      concurrency: CONCURRENCY,
    });
    const started = performance.now();
    const result = await engine.checkService({ ...service, name: 'bench' }, plan.defaults);
    const wallMs = performance.now() - started;
    const unmeasured = result.checks.filter((c) => c.verdict !== 'ready');
    if (unmeasured.length > 0) {
      throw new Error(
        `bench mocks incomplete: ${unmeasured.length} checks not ready, e.g. ${unmeasured[0]?.reason}`,
      );
    }
    const calls = aws.calls();
    const boundMs = (calls * LATENCY_MS) / CONCURRENCY;
    const serialMs = calls * LATENCY_MS;
    const label = `${RESOURCES.toLocaleString('en')} resources, ${calls} calls at ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`;
    return [
      {
        name: `readiness wall time vs lower bound (${label})`,
        value: Math.round(wallMs),
        unit: 'ms',
        baseline: boundMs,
        ratio: wallMs / boundMs,
        target: '≤ 1.3x calls × latency / concurrency',
        pass: wallMs / boundMs <= 1.3,
      },
      {
        name: `readiness speed-up over a serial run (computed calls × latency)`,
        value: Math.round(wallMs),
        unit: 'ms',
        baseline: serialMs,
        ratio: serialMs / wallMs,
        target: '≥ 10x faster than serial',
        pass: serialMs / wallMs >= 10,
      },
    ];
  } finally {
    aws.restore();
    clients.destroy();
  }
}
