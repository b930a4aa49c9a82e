import type { DBSnapshot } from '@aws-sdk/client-rds';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { SNAPSHOT_TYPES } from '../../readiness/aws/backups.js';
import { type Progress, type StepContext, tags } from './types.js';

/** Marks a recorded source that is a replicated automated backup (restored to a point in time), not a snapshot. */
const PITR = 'pitr:';
const time = (d: Date | undefined) => (d ? d.getTime() : undefined);

/**
 * The freshest copy of the primary's data in the recovery Region: the newest available DB snapshot (copies of
 * the primary's or the replica's own; RDS's and AWS Backup's, listed apart) or the latest restorable time of
 * the primary's automated backups replicated to this Region, whichever holds newer data.
 */
export async function chooseRdsSource(
  ctx: StepContext,
  resource: ResourceOf<'rds-instance'>,
): Promise<Progress> {
  const signal = { abortSignal: ctx.signal() };
  const snapshots: DBSnapshot[] = [];
  for (const id of [resource.primaryInstance, resource.replicaInstance])
    for (const type of SNAPSHOT_TYPES) {
      const out = await ctx.clients.rds.send(
        new (sdk.rds().DescribeDBSnapshotsCommand)({
          DBInstanceIdentifier: id,
          ...(type ? { SnapshotType: type } : {}),
        }),
        signal,
      );
      snapshots.push(...(out.DBSnapshots ?? []).filter((s) => s.Status === 'available'));
    }
  const snap = snapshots
    .map((s) => ({ s, at: time(s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime) }))
    .filter((x): x is { s: DBSnapshot; at: number } => x.at !== undefined)
    .sort((a, b) => b.at - a.at)[0];
  const backups = await ctx.clients.rds.send(
    new (sdk.rds().DescribeDBInstanceAutomatedBackupsCommand)({}),
    signal,
  );
  const replicated = (backups.DBInstanceAutomatedBackups ?? [])
    .filter(
      (b) =>
        b.DBInstanceIdentifier === resource.primaryInstance &&
        b.Region !== ctx.step.region &&
        b.DBInstanceAutomatedBackupsArn &&
        b.RestoreWindow?.LatestTime,
    )
    .map((b) => ({ arn: b.DBInstanceAutomatedBackupsArn ?? '', at: time(b.RestoreWindow?.LatestTime) ?? 0 }))
    .sort((a, b) => b.at - a.at)[0];
  if (replicated && (!snap || replicated.at > snap.at))
    return {
      state: 'working',
      source: `${PITR}${replicated.arn}`,
      dataAtMs: replicated.at,
      detail: `from the replicated automated backups of ${resource.primaryInstance}, restored to ${new Date(replicated.at).toISOString()}`,
    };
  const id = snap?.s.DBSnapshotIdentifier ?? snap?.s.DBSnapshotArn;
  if (!snap || !id)
    return {
      state: 'failed',
      error: `no available snapshot or replicated automated backup of ${resource.primaryInstance} in ${ctx.step.region}`,
    };
  return { state: 'working', source: id, dataAtMs: snap.at, detail: `from snapshot ${id}` };
}

/** Restores the recorded source into the drill's instance `name` (a snapshot, or a point in time of the backups). */
export async function restoreRdsSource(ctx: StepContext, name: string, source: string): Promise<void> {
  const placement = {
    DBInstanceClass: ctx.settings.dbInstanceClass ?? 'db.t3.medium',
    MultiAZ: false,
    PubliclyAccessible: false,
    DeletionProtection: false,
    ...(ctx.settings.dbSubnetGroupName ? { DBSubnetGroupName: ctx.settings.dbSubnetGroupName } : {}),
    ...(ctx.settings.vpcSecurityGroupIds
      ? { VpcSecurityGroupIds: [...ctx.settings.vpcSecurityGroupIds] }
      : {}),
    Tags: tags(ctx.drillId, name),
  };
  const signal = { abortSignal: ctx.signal() };
  if (source.startsWith(PITR)) {
    // The recorded time, not "latest": the data age the drill reports is the one restored, on every retry.
    const at = ctx.step.dataAtMs;
    await ctx.clients.rds.send(
      new (sdk.rds().RestoreDBInstanceToPointInTimeCommand)({
        TargetDBInstanceIdentifier: name,
        SourceDBInstanceAutomatedBackupsArn: source.slice(PITR.length),
        ...(at !== undefined ? { RestoreTime: new Date(at) } : { UseLatestRestorableTime: true }),
        ...placement,
      }),
      signal,
    );
    return;
  }
  await ctx.clients.rds.send(
    new (sdk.rds().RestoreDBInstanceFromDBSnapshotCommand)({
      DBInstanceIdentifier: name,
      DBSnapshotIdentifier: source,
      ...placement,
    }),
    signal,
  );
}
