import type { DBClusterSnapshot, DBSnapshot } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { formatDuration, text } from '../format.js';
import type { Check, CheckContext, Checker, NamedService } from '../types.js';
import { parseArn } from './arn.js';
import { awsCall, type CheckBase, guard } from './call.js';
import { freshnessCheck } from './freshness.js';

/**
 * The listings read: the default one (automated and manual snapshots) and AWS Backup's, which RDS lists only
 * when asked for by SnapshotType (DescribeDBSnapshots, DescribeDBClusterSnapshots API reference).
 */
export const SNAPSHOT_TYPES = [undefined, 'awsbackup'] as const;

/** Pages of snapshots read at most (100 per page). */
const MAX_PAGES = 5;

function backupInterval(service: NamedService, ctx: CheckContext): number {
  return service.backupInterval ?? ctx.defaults.backupInterval;
}

/**
 * RDS instance backups: the newest snapshot of the primary (automated or manual, primary Region) is younger
 * than the backup interval and encrypted, and its automated backups are replicated to the recovery Region
 * (DescribeDBInstanceAutomatedBackups there, by the primary's DbiResourceId) with a recent restorable time.
 * Backup age is not a data-loss figure while the replica works, so it does not feed the RPO estimate.
 */
export function createRdsBackupChecker(clients: AwsClients): Checker<'rds-instance'> {
  return {
    async check(resource, service, ctx) {
      const primary = clients.forRegion(service.primaryRegion).rds;
      const recovery = clients.forRegion(service.recoveryRegion).rds;
      const interval = backupInterval(service, ctx);
      const snapshotBase = base(resource, 'newest snapshot');
      const copyBase = base(resource, 'backup copy');
      const sections = await Promise.all([
        guard(snapshotBase, `snapshots of ${resource.primaryInstance}`, async () => {
          // Without SnapshotType RDS lists automated and manual snapshots only; AWS Backup's are asked for apart.
          const snapshots: DBSnapshot[] = [];
          for (const type of SNAPSHOT_TYPES) {
            let marker: string | undefined;
            for (let page = 0; page < MAX_PAGES; page++) {
              const out = await awsCall(ctx, 'rds:DescribeDBSnapshots', (abortSignal) =>
                primary.send(
                  new (sdk.rds().DescribeDBSnapshotsCommand)({
                    DBInstanceIdentifier: resource.primaryInstance,
                    ...(type ? { SnapshotType: type } : {}),
                    ...(marker ? { Marker: marker } : {}),
                  }),
                  { abortSignal },
                ),
              );
              snapshots.push(...(out.DBSnapshots ?? []));
              marker = out.Marker;
              if (!marker) break;
            }
          }
          const newest = newestAvailable(snapshots, (s) => s.SnapshotCreateTime);
          return snapshotCheck(
            snapshotBase,
            resource.primaryInstance,
            newest,
            newest?.Encrypted,
            interval,
            ctx,
          );
        }),
        guard(copyBase, `primary instance ${resource.primaryInstance}`, async () => {
          const described = await awsCall(ctx, 'rds:DescribeDBInstances', (abortSignal) =>
            primary.send(
              new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: resource.primaryInstance }),
              {
                abortSignal,
              },
            ),
          );
          const dbiResourceId = described.DBInstances?.[0]?.DbiResourceId;
          if (!dbiResourceId) {
            return {
              ...copyBase,
              verdict: 'not_ready',
              measured: text('not found'),
              reason: `${resource.id}: primary instance ${resource.primaryInstance} not found`,
            };
          }
          const out = await awsCall(ctx, 'rds:DescribeDBInstanceAutomatedBackups', (abortSignal) =>
            recovery.send(
              new (sdk.rds().DescribeDBInstanceAutomatedBackupsCommand)({ DbiResourceId: dbiResourceId }),
              {
                abortSignal,
              },
            ),
          );
          const copy = out.DBInstanceAutomatedBackups?.find((b) => b.Status !== 'pending');
          if (!copy) {
            return {
              ...copyBase,
              verdict: 'degraded',
              measured: text('not replicated'),
              target: text(`replicated to ${service.recoveryRegion}`),
              reason: `${resource.id}: automated backups of ${resource.primaryInstance} are not replicated to ${service.recoveryRegion}`,
            };
          }
          const latest = copy.RestoreWindow?.LatestTime?.getTime();
          if (latest === undefined) {
            return {
              ...copyBase,
              verdict: 'degraded',
              measured: text(copy.Status ?? 'no restore window'),
              reason: `${resource.id}: replicated backups in ${service.recoveryRegion} have no restorable time yet`,
            };
          }
          if (copy.Encrypted === false) {
            return {
              ...copyBase,
              verdict: 'degraded',
              measured: text('not encrypted'),
              target: text('encrypted'),
              reason: `${resource.id}: replicated backups in ${service.recoveryRegion} are not encrypted`,
            };
          }
          return freshnessCheck(
            copyBase,
            `backup copy age in ${service.recoveryRegion}`,
            Math.max(0, ctx.now - latest),
            interval,
            'backup interval',
            'api',
            false,
          );
        }),
      ]);
      return sections.flat();
    },
  };
}

/**
 * Aurora backups: the newest cluster snapshot of the primary cluster (primary Region) is younger than the
 * backup interval and encrypted. The global database's secondary cluster is the cross-Region copy.
 */
export function createAuroraBackupChecker(clients: AwsClients): Checker<'aurora-global-cluster'> {
  return {
    async check(resource, service, ctx) {
      const primaryCluster = parseArn(resource.primaryClusterArn);
      const rds = clients.forRegion(primaryCluster.region || service.primaryRegion).rds;
      const b = base(resource, 'newest snapshot');
      return guard(b, `snapshots of ${primaryCluster.resourceName}`, async () => {
        const snapshots: DBClusterSnapshot[] = [];
        for (const type of SNAPSHOT_TYPES) {
          let marker: string | undefined;
          for (let page = 0; page < MAX_PAGES; page++) {
            const out = await awsCall(ctx, 'rds:DescribeDBClusterSnapshots', (abortSignal) =>
              rds.send(
                new (sdk.rds().DescribeDBClusterSnapshotsCommand)({
                  DBClusterIdentifier: primaryCluster.resourceName,
                  ...(type ? { SnapshotType: type } : {}),
                  ...(marker ? { Marker: marker } : {}),
                }),
                { abortSignal },
              ),
            );
            snapshots.push(...(out.DBClusterSnapshots ?? []));
            marker = out.Marker;
            if (!marker) break;
          }
        }
        const newest = newestAvailable(snapshots, (s) => s.SnapshotCreateTime);
        return snapshotCheck(
          b,
          primaryCluster.resourceName,
          newest,
          newest?.StorageEncrypted,
          backupInterval(service, ctx),
          ctx,
        );
      });
    },
  };
}

function base(resource: { id: string; kind: CheckBase['kind'] }, name: string): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name };
}

function newestAvailable<T extends { Status?: string | undefined }>(
  items: readonly T[],
  created: (item: T) => Date | undefined,
): (T & { createdAt: number }) | undefined {
  let best: (T & { createdAt: number }) | undefined;
  for (const item of items) {
    const at = created(item)?.getTime();
    if (item.Status !== 'available' || at === undefined) continue;
    if (!best || at > best.createdAt) best = { ...item, createdAt: at };
  }
  return best;
}

function snapshotCheck(
  b: CheckBase,
  subject: string,
  newest: { createdAt: number } | undefined,
  encrypted: boolean | undefined,
  interval: number,
  ctx: CheckContext,
): Check {
  if (!newest) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text('none'),
      reason: `${b.resourceId}: no available snapshot of ${subject}`,
    };
  }
  const age = Math.max(0, ctx.now - newest.createdAt);
  const check = freshnessCheck(b, 'newest snapshot age', age, interval, 'backup interval', 'api', false);
  if (check.verdict === 'ready' && encrypted === false) {
    return {
      ...check,
      verdict: 'degraded',
      reason: `${b.resourceId}: newest snapshot of ${subject} (${formatDuration(age)} old) is not encrypted`,
    };
  }
  return check;
}
