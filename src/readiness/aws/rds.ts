import type { DBInstance } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import type { Observed } from '../../state/observed.js';
import { ms, text } from '../format.js';
import type { Check, Checker, Verdict } from '../types.js';
import { awsCall, type CheckBase, guard } from './call.js';
import { freshnessCheck } from './freshness.js';
import { latestMetrics } from './metrics.js';

type RdsInstance = ResourceOf<'rds-instance'>;

/** PromoteReadReplica is refused while the replica is in one of these states; they usually pass. */
const PROMOTION_BLOCKING = new Set([
  'backing-up',
  'modifying',
  'rebooting',
  'upgrading',
  'maintenance',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'converting-to-vpc',
  'moving-to-vpc',
  'renaming',
  'resetting-master-credentials',
  'starting',
  'storage-optimization',
  'creating',
]);

/** Check name when the recovery instance is not a read replica of the primary (a failover must not promote it). */
export const REPLICA_SOURCE_CHECK = 'replica source';
/** What that check measures when the recovery instance replicates from nothing. */
export const STANDALONE = 'standalone';

/** True when `instance` is a read replica of the plan's primary instance (by identifier or ARN). */
export function replicatesFrom(instance: DBInstance, primaryInstance: string): boolean {
  const source = instance.ReadReplicaSourceDBInstanceIdentifier;
  return source !== undefined && (source === primaryInstance || source.endsWith(`:db:${primaryInstance}`));
}

/**
 * RDS cross-Region read replica: the replica in the recovery Region exists, replicates from the primary, is
 * in a state PromoteReadReplica accepts, is encrypted, and its ReplicaLag (seconds, AWS/RDS, recovery
 * Region) is within the RPO. Backups are checked by the backups checker.
 */
export function createRdsChecker(clients: AwsClients): Checker<'rds-instance'> {
  return {
    async check(resource, service, ctx) {
      const recovery = clients.forRegion(service.recoveryRegion);
      const replica = awsCall(ctx, 'rds:DescribeDBInstances', (abortSignal) =>
        recovery.rds.send(
          new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: resource.replicaInstance }),
          {
            abortSignal,
          },
        ),
      ).then((out) => out.DBInstances?.[0]);
      replica.catch(() => undefined);
      const replicaName = `replica ${resource.replicaInstance}`;
      const sections = await Promise.all([
        guard(base(resource, 'replica'), replicaName, async () => {
          const found = await replica;
          const seen = writerSide(resource, found);
          return { ...replicaState(resource, found), ...(seen ? { observed: seen } : {}) };
        }),
        guard(base(resource, 'encryption'), replicaName, async () => encryption(resource, await replica)),
        guard(base(resource, 'replica lag', true), 'ReplicaLag metric', async () => {
          const points = await latestMetrics(ctx, recovery.cloudwatch, [
            {
              id: 'replicalag',
              namespace: 'AWS/RDS',
              metricName: 'ReplicaLag',
              dimensions: { DBInstanceIdentifier: resource.replicaInstance },
            },
          ]);
          const point = points.get('replicalag');
          const b = base(resource, 'replica lag', true);
          if (!point) {
            return {
              ...b,
              verdict: 'unknown',
              target: ms(service.rpo),
              source: 'metric',
              reason: `${resource.id}: no ReplicaLag datapoints for ${resource.replicaInstance} in the last 15 min`,
            };
          }
          // ReplicaLag is -1 while replication is not running (MySQL, MariaDB: Seconds_Behind_Master NULL).
          if (point.value < 0)
            return {
              ...b,
              verdict: 'not_ready',
              measured: text('replication not running'),
              target: ms(service.rpo),
              source: 'metric',
              reason: `${resource.id}: ReplicaLag of ${resource.replicaInstance} is ${point.value}: replication is not running, the replica falls further behind every second`,
            };
          // ReplicaLag is reported in seconds.
          return freshnessCheck(b, 'replica lag', point.value * 1_000, service.rpo, 'RPO', 'metric');
        }),
      ]);
      return sections.flat();
    },
  };
}

function base(resource: RdsInstance, name: string, freshness = false): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name, ...(freshness ? { freshness } : {}) };
}

/**
 * Where the data is written, as the recovery replica shows it: still a replica of the primary (written in the
 * primary Region), or standalone (promoted: written in the recovery Region; also what a completed failback
 * leaves behind until the replica is rebuilt, hence weak). A replica of something else says nothing.
 */
function writerSide(resource: RdsInstance, replica: DBInstance | undefined): Observed | undefined {
  if (!replica) return undefined;
  if (replicatesFrom(replica, resource.primaryInstance))
    return {
      facet: 'writer',
      side: 'primary',
      text: `${resource.id}: ${resource.replicaInstance} is a read replica of ${resource.primaryInstance}`,
    };
  if (replica.ReadReplicaSourceDBInstanceIdentifier) return undefined;
  return {
    facet: 'writer',
    side: 'recovery',
    weak: true,
    text: `${resource.id}: ${resource.replicaInstance} is standalone (promoted)`,
  };
}

function replicaState(resource: RdsInstance, replica: DBInstance | undefined): Check {
  const b = base(resource, 'replica');
  const id = resource.id;
  const name = resource.replicaInstance;
  if (!replica)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('not found'),
      reason: `${id}: replica ${name} not found`,
    };
  const source = replica.ReadReplicaSourceDBInstanceIdentifier;
  if (!replicatesFrom(replica, resource.primaryInstance)) {
    return {
      ...base(resource, REPLICA_SOURCE_CHECK),
      verdict: 'not_ready',
      measured: text(source ? `replicates ${source}` : STANDALONE),
      target: text(`replica of ${resource.primaryInstance}`),
      reason: source
        ? `${id}: ${name} replicates ${source}, not ${resource.primaryInstance}: a failover would serve another database's data`
        : `${id}: ${name} is standalone, not a read replica of ${resource.primaryInstance}: it has none of the writes made since it stopped replicating, so a failover would serve stale data`,
    };
  }
  const replication = replica.StatusInfos?.find((s) => s.StatusType === 'read replication');
  if (replication && replication.Status !== 'replicating') {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(`replication ${replication.Status ?? 'unknown'}`),
      target: text('replicating'),
      reason: `${id}: replication to ${name} is ${replication.Status ?? 'unknown'}${replication.Message ? `: ${replication.Message}` : ''}`,
    };
  }
  const status = replica.DBInstanceStatus ?? 'unknown';
  if (status !== 'available') {
    const verdict: Verdict = PROMOTION_BLOCKING.has(status) ? 'degraded' : 'not_ready';
    return {
      ...b,
      verdict,
      measured: text(status),
      target: text('available'),
      reason:
        verdict === 'degraded'
          ? `${id}: replica ${name} is ${status}; it cannot be promoted until that finishes`
          : `${id}: replica ${name} is ${status}, not available`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text('available'),
    target: text('available'),
    reason: `${id}: replica ${name} available and replicating`,
  };
}

function encryption(resource: RdsInstance, replica: DBInstance | undefined): Check {
  const b = base(resource, 'encryption');
  if (!replica)
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('not found'),
      reason: `${resource.id}: replica ${resource.replicaInstance} not found`,
    };
  return replica.StorageEncrypted
    ? {
        ...b,
        verdict: 'ready',
        measured: text('encrypted'),
        target: text('encrypted'),
        reason: `${resource.id}: replica storage encrypted`,
      }
    : {
        ...b,
        verdict: 'degraded',
        measured: text('not encrypted'),
        target: text('encrypted'),
        reason: `${resource.id}: replica ${resource.replicaInstance} storage is not encrypted`,
      };
}
