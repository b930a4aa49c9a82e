import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../adapters/aws/clients.js';
import type { ResourceOf } from '../../plan/schema.js';
import { text } from '../format.js';
import type { Check, CheckContext, Checker, NamedService, Verdict } from '../types.js';
import { awsCall, type CheckBase, guard } from './call.js';
import { freshnessCheck } from './freshness.js';
import { latestMetrics } from './metrics.js';

type Table = ResourceOf<'dynamodb-global-table'>;

/** Replica states that settle on their own. */
const TRANSIENT = new Set(['CREATING', 'UPDATING']);

/**
 * DynamoDB global table: the replica in the recovery Region is ACTIVE and linked to the primary Region's
 * (DescribeTable read in the recovery Region, so it answers while the primary Region is down), ReplicationLatency (ms, AWS/DynamoDB, dims TableName + ReceivingRegion, emitted in the
 * sending Region) within the RPO, and point-in-time recovery on in both Regions. ReplicationLatency is only
 * emitted while the table takes writes: without it (and without a canary) the lag is not measured, which
 * the RPO estimate reports as incomplete.
 */
export function createDynamoDbChecker(clients: AwsClients): Checker<'dynamodb-global-table'> {
  return {
    async check(resource, service, ctx) {
      const sections = await Promise.all([
        guard(base(resource, 'replica'), `table ${resource.tableName}`, () =>
          replica(resource, service, ctx, clients),
        ),
        guard(base(resource, 'PITR'), `table ${resource.tableName}`, () =>
          pitr(resource, service, ctx, clients),
        ),
      ]);
      return sections.flat();
    },
  };
}

function base(resource: Table, name: string, freshness = false): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name, ...(freshness ? { freshness } : {}) };
}

async function replica(
  resource: Table,
  service: NamedService,
  ctx: CheckContext,
  clients: AwsClients,
): Promise<Check[]> {
  const b = base(resource, 'replica');
  // Read through the recovery Region: its replica answers while the primary Region is down. Its own state is
  // TableStatus; Replicas lists the other Regions' replicas, so the primary must be among them.
  const recovery = clients.forRegion(service.recoveryRegion);
  const out = await awsCall(ctx, 'dynamodb:DescribeTable', (abortSignal) =>
    recovery.dynamodb.send(new DescribeTableCommand({ TableName: resource.tableName }), { abortSignal }),
  );
  const linked = out.Table?.Replicas?.some((r) => r.RegionName === service.primaryRegion) ?? false;
  const target = text('ACTIVE');
  if (!linked) {
    return [
      {
        ...b,
        verdict: 'not_ready',
        measured: text('not a replica'),
        target,
        reason: `${resource.id}: ${resource.tableName} in ${service.recoveryRegion} is not a replica of the global table in ${service.primaryRegion}`,
      },
    ];
  }
  const status = out.Table?.TableStatus ?? 'unknown';
  if (status !== 'ACTIVE') {
    const verdict: Verdict = TRANSIENT.has(status) ? 'degraded' : 'not_ready';
    const detail = status.startsWith('INACCESSIBLE_ENCRYPTION') ? ': its KMS key is not accessible' : '';
    return [
      {
        ...b,
        verdict,
        measured: text(status),
        target,
        reason: `${resource.id}: replica in ${service.recoveryRegion} is ${status}${detail}`,
      },
    ];
  }
  const ready: Check = {
    ...b,
    verdict: 'ready',
    measured: text('ACTIVE'),
    target,
    reason: `${resource.id}: replica in ${service.recoveryRegion} ACTIVE`,
  };
  // ReplicationLatency is emitted in the sending (primary) Region: while it cannot answer, the lag is unknown
  // but the replica's state above still stands.
  const primary = clients.forRegion(service.primaryRegion);
  const lagBase = base(resource, 'replication lag', true);
  const measured = await guard(lagBase, 'ReplicationLatency metric', async () => {
    const point = await replicationLatency(resource, service, ctx, primary.cloudwatch);
    return point ? [freshnessCheck(lagBase, 'replication latency', point, service.rpo, 'RPO', 'metric')] : [];
  });
  if (measured.length > 0) return [ready, ...measured];
  if (resource.canary?.enabled) return [ready];
  return [
    {
      ...ready,
      freshness: true,
      reason: `${ready.reason}; lag not measured (no ReplicationLatency datapoints: no recent writes?)`,
    },
  ];
}

async function replicationLatency(
  resource: Table,
  service: NamedService,
  ctx: CheckContext,
  cloudwatch: CloudWatchClient,
): Promise<number | undefined> {
  const points = await latestMetrics(ctx, cloudwatch, [
    {
      id: 'latency',
      namespace: 'AWS/DynamoDB',
      metricName: 'ReplicationLatency',
      dimensions: { TableName: resource.tableName, ReceivingRegion: service.recoveryRegion },
    },
  ]);
  return points.get('latency')?.value;
}

async function pitr(
  resource: Table,
  service: NamedService,
  ctx: CheckContext,
  clients: AwsClients,
): Promise<Check> {
  const b = base(resource, 'PITR');
  const regions = [service.primaryRegion, service.recoveryRegion];
  const statuses = await Promise.all(
    regions.map((region) =>
      pitrStatus(clients.forRegion(region).dynamodb, resource.tableName, ctx).then((status) => ({
        region,
        status,
      })),
    ),
  );
  const off = statuses.filter((s) => s.status !== 'ENABLED');
  if (off.length > 0) {
    return {
      ...b,
      verdict: 'degraded',
      measured: text(off.map((s) => `${s.region}: ${s.status}`).join(', ')),
      target: text('ENABLED in both'),
      reason: `${resource.id}: point-in-time recovery is off in ${off.map((s) => s.region).join(' and ')}`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text('ENABLED in both'),
    target: text('ENABLED in both'),
    reason: `${resource.id}: point-in-time recovery on in both Regions`,
  };
}

async function pitrStatus(client: DynamoDBClient, tableName: string, ctx: CheckContext): Promise<string> {
  const out = await awsCall(ctx, 'dynamodb:DescribeContinuousBackups', (abortSignal) =>
    client.send(new DescribeContinuousBackupsCommand({ TableName: tableName }), { abortSignal }),
  );
  return (
    out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ?? 'DISABLED'
  );
}
