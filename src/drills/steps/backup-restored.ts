import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { sdk } from '../../adapters/aws/sdk.js';
import type { BackedUpResource } from '../../plan/backups.js';
import { isNotFound, type StepContext } from './types.js';

/**
 * What an AWS Backup restore created, read and deleted through that service's own API: a restore job that says
 * COMPLETED is not taken on its word. `look` says whether the resource exists and can serve; `remove` issues
 * the deletes still needed and says `gone` once nothing is left (tolerating "not found").
 */
interface RestoredCheck {
  look(ctx: StepContext, name: string): Promise<{ readonly ready: boolean; readonly detail: string }>;
  remove(ctx: StepContext, name: string): Promise<{ readonly gone: boolean; readonly detail?: string }>;
}

const opts = (ctx: StepContext) => ({ abortSignal: ctx.signal() });

async function orNone<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const dynamodb: RestoredCheck = {
  async look(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }), opts(ctx)),
    );
    const status = out?.Table?.TableStatus;
    if (!status) return { ready: false, detail: `table ${name} not found yet` };
    return {
      ready: status === 'ACTIVE',
      detail: `table ${name} ${status}, ${out?.Table?.ItemCount ?? 0} items`,
    };
  },
  async remove(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }), opts(ctx)),
    );
    if (!out?.Table) return { gone: true };
    if (out.Table.TableStatus !== 'DELETING')
      await orNone(() => ctx.clients.dynamodb.send(new DeleteTableCommand({ TableName: name }), opts(ctx)));
    return { gone: false, detail: `deleting table ${name}` };
  },
};

const s3: RestoredCheck = {
  async look(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.s3.send(new (sdk.s3().ListObjectsV2Command)({ Bucket: name, MaxKeys: 1000 }), opts(ctx)),
    );
    if (!out) return { ready: false, detail: `bucket ${name} not found yet` };
    return {
      ready: true,
      detail: `bucket ${name} lists ${out.KeyCount ?? 0}${out.IsTruncated ? '+' : ''} objects`,
    };
  },
  async remove(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.s3.send(new (sdk.s3().ListObjectVersionsCommand)({ Bucket: name }), opts(ctx)),
    );
    if (!out) return { gone: true };
    const versions = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])];
    for (const v of versions)
      await orNone(() =>
        ctx.clients.s3.send(
          new (sdk.s3().DeleteObjectCommand)({
            Bucket: name,
            Key: v.Key ?? '',
            ...(v.VersionId ? { VersionId: v.VersionId } : {}),
          }),
          opts(ctx),
        ),
      );
    if (versions.length === 0 && !out.IsTruncated)
      await orNone(() =>
        ctx.clients.s3.send(new (sdk.s3().DeleteBucketCommand)({ Bucket: name }), opts(ctx)),
      );
    return { gone: false, detail: `emptying and deleting bucket ${name}` };
  },
};

const rds: RestoredCheck = {
  async look(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.rds.send(
        new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: name }),
        opts(ctx),
      ),
    );
    const status = out?.DBInstances?.[0]?.DBInstanceStatus;
    if (!status) return { ready: false, detail: `DB instance ${name} not found yet` };
    return { ready: status === 'available', detail: `DB instance ${name} ${status}` };
  },
  async remove(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.rds.send(
        new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: name }),
        opts(ctx),
      ),
    );
    const instance = out?.DBInstances?.[0];
    if (!instance) return { gone: true };
    if (instance.DBInstanceStatus !== 'deleting')
      await orNone(() =>
        ctx.clients.rds.send(
          new (sdk.rds().DeleteDBInstanceCommand)({
            DBInstanceIdentifier: name,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
          opts(ctx),
        ),
      );
    return { gone: false, detail: `deleting ${name}` };
  },
};

/** An Aurora restore creates the cluster only (no instance): ready when the cluster is available. */
const aurora: RestoredCheck = {
  async look(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.rds.send(
        new (sdk.rds().DescribeDBClustersCommand)({ DBClusterIdentifier: name }),
        opts(ctx),
      ),
    );
    const status = out?.DBClusters?.[0]?.Status;
    if (!status) return { ready: false, detail: `DB cluster ${name} not found yet` };
    return { ready: status === 'available', detail: `DB cluster ${name} ${status}` };
  },
  async remove(ctx, name) {
    const out = await orNone(() =>
      ctx.clients.rds.send(
        new (sdk.rds().DescribeDBClustersCommand)({ DBClusterIdentifier: name }),
        opts(ctx),
      ),
    );
    const cluster = out?.DBClusters?.[0];
    if (!cluster) return { gone: true };
    if (cluster.Status !== 'deleting')
      await orNone(() =>
        ctx.clients.rds.send(
          new (sdk.rds().DeleteDBClusterCommand)({ DBClusterIdentifier: name, SkipFinalSnapshot: true }),
          opts(ctx),
        ),
      );
    return { gone: false, detail: `deleting ${name}` };
  },
};

/** EC2 is not restored by drills (plan.ts BACKUP_RESTORE_TYPES): a step of it never creates anything. */
const ec2: RestoredCheck = {
  look: async () => ({ ready: false, detail: 'EC2 recovery points are not restored by drills' }),
  remove: async () => ({ gone: true }),
};

export const restoredChecks: Readonly<Record<BackedUpResource['resourceType'], RestoredCheck>> = {
  DynamoDB: dynamodb,
  S3: s3,
  RDS: rds,
  Aurora: aurora,
  EC2: ec2,
};
