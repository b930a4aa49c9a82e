import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { ReplicationRule } from '@aws-sdk/client-s3';
import type { AwsClients } from '../adapters/aws/clients.js';
import { clientsFor } from '../adapters/aws/roles.js';
import { sdk } from '../adapters/aws/sdk.js';
import { docdbBack } from '../kinds/docdb/failback.js';
import { elasticacheBack } from '../kinds/elasticache/failback.js';
import type { Resource, ResourceOf, Service } from '../plan/schema.js';
import { failbackComputeGap } from '../runbook/executors/ec2-failback.js';
import { entrySteps, runbookEntries } from '../runbook/stages.js';
import { globalClusterBack } from './reverse-global.js';
import { rds } from './reverse-rds.js';
import type { FailbackReadiness, LastMove, Move, ReverseItem, ServingRegion } from './types.js';

export const FAILBACK_RULE_ID = 'lifeboat-failback';

/** What each resource's failback check works with. */
export interface ReverseCtx {
  readonly aws: AwsClients;
  readonly service: Service & { readonly name: string };
  readonly signal: () => AbortSignal;
  /** The last completed failover or failback on record, if known. */
  readonly last?: Move;
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Where the Aurora writer is, and whether the old primary cluster rejoined as a synchronized secondary. */
async function aurora(
  ctx: ReverseCtx,
  r: ResourceOf<'aurora-global-cluster'>,
): Promise<[ReverseItem, ServingRegion]> {
  const out = await ctx.aws
    .forRegion(ctx.service.recoveryRegion)
    .rds.send(
      new (sdk.rds().DescribeGlobalClustersCommand)({ GlobalClusterIdentifier: r.globalClusterIdentifier }),
      {
        abortSignal: ctx.signal(),
      },
    );
  return globalClusterBack(r, out.GlobalClusters?.[0]?.GlobalClusterMembers ?? [], ctx.service.primaryRegion);
}

/** A replication rule from the recovery bucket back to the source bucket. */
async function s3(ctx: ReverseCtx, r: ResourceOf<'s3-bucket'>): Promise<ReverseItem> {
  const base = { resourceId: r.id, kind: r.kind };
  const client = ctx.aws.forRegion(ctx.service.recoveryRegion).s3;
  const target = `arn:aws:s3:::${r.sourceBucket}`;
  const rulesOf = async (bucket: string) => {
    try {
      return await client.send(new (sdk.s3().GetBucketReplicationCommand)({ Bucket: bucket }), {
        abortSignal: ctx.signal(),
      });
    } catch (error) {
      if (error instanceof Error && /ReplicationConfigurationNotFound/.test(error.name)) return undefined;
      throw error;
    }
  };
  const reverse = await rulesOf(r.destinationBucket);
  const rules: ReplicationRule[] = reverse?.ReplicationConfiguration?.Rules ?? [];
  if (rules.some((rule) => rule.Destination?.Bucket === target && rule.Status === 'Enabled'))
    return { ...base, status: 'ready', text: `${r.destinationBucket} replicates back to ${r.sourceBucket}` };
  const versioning = await client.send(
    new (sdk.s3().GetBucketVersioningCommand)({ Bucket: r.sourceBucket }),
    {
      abortSignal: ctx.signal(),
    },
  );
  if (versioning.Status !== 'Enabled')
    return {
      ...base,
      status: 'blocked',
      text: `${r.sourceBucket} has versioning ${versioning.Status ?? 'off'}: replication needs it`,
    };
  const forward = await rulesOf(r.sourceBucket).catch(() => undefined);
  const role = reverse?.ReplicationConfiguration?.Role ?? forward?.ReplicationConfiguration?.Role;
  if (!role)
    return {
      ...base,
      status: 'blocked',
      text: `no replication role known for ${r.destinationBucket}: add a rule back to ${r.sourceBucket} by hand`,
    };
  const priority = Math.max(0, ...rules.map((rule) => rule.Priority ?? 0)) + 1;
  const Rules = [
    ...rules,
    {
      ID: FAILBACK_RULE_ID,
      Priority: priority,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Disabled' },
      Destination: { Bucket: target },
    },
  ];
  return {
    ...base,
    status: 'missing',
    text: `no replication rule from ${r.destinationBucket} back to ${r.sourceBucket}`,
    setup: {
      id: `s3-add-replication-rule:${r.id}`,
      resourceId: r.id,
      kind: 's3-add-replication-rule',
      region: ctx.service.recoveryRegion,
      description: `Add rule ${FAILBACK_RULE_ID} to ${r.destinationBucket}, replicating new objects back to ${r.sourceBucket} (objects written before it need S3 Batch Replication)`,
      client: 's3',
      command: 'PutBucketReplication',
      input: { Bucket: r.destinationBucket, ReplicationConfiguration: { Role: role, Rules } },
    },
  };
}

/** The primary Region's replica of the global table, ACTIVE. */
async function dynamodb(ctx: ReverseCtx, r: ResourceOf<'dynamodb-global-table'>): Promise<ReverseItem> {
  const base = { resourceId: r.id, kind: r.kind };
  const out = await ctx.aws
    .forRegion(ctx.service.recoveryRegion)
    .dynamodb.send(new DescribeTableCommand({ TableName: r.tableName }), { abortSignal: ctx.signal() });
  const replica = (out.Table?.Replicas ?? []).find((x) => x.RegionName === ctx.service.primaryRegion);
  if (replica?.ReplicaStatus === 'ACTIVE')
    return { ...base, status: 'ready', text: `replica in ${ctx.service.primaryRegion} is ACTIVE` };
  if (replica)
    return {
      ...base,
      status: 'catching-up',
      text: `replica in ${ctx.service.primaryRegion} is ${replica.ReplicaStatus}`,
    };
  return {
    ...base,
    status: 'missing',
    text: `${r.tableName} has no replica in ${ctx.service.primaryRegion}`,
    setup: {
      id: `dynamodb-add-replica:${r.id}`,
      resourceId: r.id,
      kind: 'dynamodb-add-replica',
      region: ctx.service.recoveryRegion,
      description: `Add a replica of ${r.tableName} in ${ctx.service.primaryRegion}`,
      client: 'dynamodb',
      command: 'UpdateTable',
      input: {
        TableName: r.tableName,
        ReplicaUpdates: [{ Create: { RegionName: ctx.service.primaryRegion } }],
      },
    },
  };
}

/**
 * Compute needs no replication back, but a failback ec2 step must have something of the primary Region to bring
 * up (the plan's primaryInstances or primaryLaunchTemplate): without it the failback would stop halfway, data
 * already home, so the request is blocked until the plan names it. No item when the step can run.
 */
function ec2(ctx: ReverseCtx, r: ResourceOf<'ec2'>): ReverseItem | undefined {
  const [gap] = entrySteps(runbookEntries(ctx.service, 'failback')).flatMap((s) => {
    const found =
      s.kind === 'ec2' && s.resource === r.id && failbackComputeGap(r, s.action, ctx.service.primaryRegion);
    return found ? [found] : [];
  });
  if (!gap) return undefined;
  return {
    resourceId: r.id,
    kind: r.kind,
    status: 'blocked',
    text: gap.reason,
    byHand: `${gap.fix}, then Re-check.`,
  };
}

async function checkResource(
  ctx: ReverseCtx,
  r: Resource,
): Promise<[ReverseItem, ServingRegion] | undefined> {
  switch (r.kind) {
    case 'aurora-global-cluster':
      return aurora(ctx, r);
    case 'rds-instance':
      return rds(ctx, r);
    case 's3-bucket':
      return [await s3(ctx, r), 'unknown'];
    case 'dynamodb-global-table':
      return [await dynamodb(ctx, r), 'unknown'];
    case 'docdb-global-cluster':
      return docdbBack(ctx, r);
    case 'elasticache-global-datastore':
      return elasticacheBack(ctx, r);
    case 'ec2': {
      const item = ec2(ctx, r);
      return item ? [item, 'unknown'] : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The failback readiness check: where the service serves from, and for each resource whether replication
 * back to the primary Region exists and has caught up. Read-only calls; what is missing comes with the exact
 * setup call, when Lifeboat can make it.
 */
export async function checkFailbackReadiness(deps: {
  readonly aws: AwsClients;
  readonly service: Service & { readonly name: string };
  readonly now: number;
  readonly lastMove?: LastMove;
  readonly callTimeoutMs?: number;
}): Promise<FailbackReadiness> {
  const last = await deps.lastMove?.(deps.service.name).catch(() => undefined);
  const ctx: ReverseCtx = {
    aws: deps.aws,
    service: deps.service,
    signal: () => AbortSignal.timeout(deps.callTimeoutMs ?? 20_000),
    ...(last ? { last } : {}),
  };
  const items: ReverseItem[] = [];
  const observed: ServingRegion[] = [];
  for (const resource of deps.service.resources) {
    try {
      const out = await checkResource(
        { ...ctx, aws: clientsFor(deps.aws, deps.service, resource, 'failback-check') },
        resource,
      );
      if (!out) continue;
      items.push(out[0]);
      observed.push(out[1]);
    } catch (error) {
      items.push({
        resourceId: resource.id,
        kind: resource.kind,
        status: 'unknown',
        text: `could not check: ${errorText(error)}`,
      });
    }
  }
  let serving: ServingRegion = 'unknown';
  let servingReason = 'no database to observe and no failover on record';
  if (observed.includes('recovery')) {
    serving = 'recovery';
    servingReason = `databases are written in ${deps.service.recoveryRegion}`;
  } else if (observed.includes('primary')) {
    serving = 'primary';
    servingReason = `databases are written in ${deps.service.primaryRegion}`;
  } else if (last) {
    serving = last.kind === 'failover' ? 'recovery' : 'primary';
    servingReason = `the last completed ${last.kind} on record`;
  }
  return {
    service: deps.service.name,
    primaryRegion: deps.service.primaryRegion,
    recoveryRegion: deps.service.recoveryRegion,
    serving,
    servingReason,
    servingObserved: observed.includes('recovery') || observed.includes('primary'),
    items,
    ready: serving === 'recovery' && items.every((i) => i.status === 'ready'),
    checkedAtMs: deps.now,
  };
}
