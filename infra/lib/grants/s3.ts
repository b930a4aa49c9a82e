import { arn } from '../arns.js';
import type { PolicyStatementSpec } from '../policy-spec.js';
import { type ResourceContext, sid } from './context.js';

/** S3 replication: configuration reads, the canary object, reverse replication on failback, MRAP routes. */
export function s3Statements(ctx: ResourceContext<'s3-bucket'>): PolicyStatementSpec[] {
  const { scope: s, resource: r } = ctx;
  const buckets = [arn.bucket(s, r.sourceBucket), arn.bucket(s, r.destinationBucket)];
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'S3ReadConfig'),
      actions: ['s3:GetBucketVersioning', 's3:GetReplicationConfiguration', 's3:GetEncryptionConfiguration'],
      resources: buckets,
    },
  ];
  if (r.canary?.enabled) {
    const prefix = r.canary.keyPrefix;
    out.push(
      {
        sid: sid(ctx, 'S3Canary'),
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [r.sourceBucket, r.destinationBucket].map((b) => arn.object(s, b, `${prefix}*`)),
      },
      {
        sid: sid(ctx, 'S3CanaryList'),
        actions: ['s3:ListBucket'],
        resources: buckets,
        conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
      },
    );
  }
  if (ctx.failbackSteps.length > 0) {
    // Failback reverses replication (destination -> source) before traffic moves back.
    out.push({
      sid: sid(ctx, 'S3FailbackReplication'),
      actions: ['s3:PutReplicationConfiguration'],
      resources: buckets,
    });
  }
  return out;
}
