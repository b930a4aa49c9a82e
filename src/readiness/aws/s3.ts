import type { ReplicationRule, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { count, text } from '../format.js';
import type { Check, CheckContext, Checker, NamedService } from '../types.js';
import { AwsCallError, awsCall, type CheckBase, guard } from './call.js';
import { freshnessCheck } from './freshness.js';
import { latestMetrics } from './metrics.js';

type Bucket = ResourceOf<'s3-bucket'>;

/**
 * S3 cross-Region replication: versioning Enabled on both buckets, an Enabled replication rule to the
 * destination bucket, default encryption on both, and where replication metrics exist (RTC or metrics
 * enabled on the rule) ReplicationLatency (seconds) vs the RPO with OperationsPendingReplication. Without
 * metrics (and without a canary) the lag is not measured, which the RPO estimate reports as incomplete.
 */
export function createS3Checker(clients: AwsClients): Checker<'s3-bucket'> {
  return {
    async check(resource, service, ctx) {
      const source = clients.forRegion(service.primaryRegion).s3;
      const destination = clients.forRegion(service.recoveryRegion).s3;
      const sections = await Promise.all([
        guard(base(resource, 'versioning'), 'bucket', () => versioning(resource, ctx, source, destination)),
        guard(base(resource, 'replication rule'), `bucket ${resource.sourceBucket}`, () =>
          replication(resource, service, ctx, clients),
        ),
        guard(base(resource, 'encryption'), 'bucket', () => encryption(resource, ctx, source, destination)),
      ]);
      return sections.flat();
    },
  };
}

function bothBuckets(resource: Bucket, source: S3Client, destination: S3Client) {
  return [
    { client: source, bucket: resource.sourceBucket },
    { client: destination, bucket: resource.destinationBucket },
  ];
}

function base(resource: Bucket, name: string, freshness = false): CheckBase {
  return { resourceId: resource.id, kind: resource.kind, name, ...(freshness ? { freshness } : {}) };
}

async function versioning(
  resource: Bucket,
  ctx: CheckContext,
  source: S3Client,
  destination: S3Client,
): Promise<Check> {
  const b = base(resource, 'versioning');
  const [src, dst] = await Promise.all(
    bothBuckets(resource, source, destination).map(({ client, bucket }) =>
      awsCall(ctx, 's3:GetBucketVersioning', (abortSignal) =>
        client.send(new (sdk.s3().GetBucketVersioningCommand)({ Bucket: bucket }), {
          abortSignal,
        }),
      ).then((out) => ({ bucket: bucket, status: out.Status ?? 'never enabled' })),
    ),
  );
  const off = [src, dst].filter((v) => v !== undefined && v.status !== 'Enabled');
  if (off.length > 0) {
    return {
      ...b,
      verdict: 'not_ready',
      measured: text(off.map((v) => `${v?.bucket}: ${v?.status}`).join(', ')),
      target: text('Enabled on both'),
      reason: `${resource.id}: versioning is ${off.map((v) => `${v?.status} on ${v?.bucket}`).join(' and ')}; replication needs it Enabled on both buckets`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text('Enabled on both'),
    target: text('Enabled on both'),
    reason: `${resource.id}: versioning Enabled on both buckets`,
  };
}

function matchingRule(resource: Bucket, rules: readonly ReplicationRule[]): ReplicationRule | undefined {
  const arn = `arn:aws:s3:::${resource.destinationBucket}`;
  const toDestination = rules.filter(
    (r) => r.Destination?.Bucket === arn || r.Destination?.Bucket === resource.destinationBucket,
  );
  if (resource.replicationRuleId) return toDestination.find((r) => r.ID === resource.replicationRuleId);
  return toDestination.find((r) => r.Status === 'Enabled') ?? toDestination[0];
}

async function replication(
  resource: Bucket,
  service: NamedService,
  ctx: CheckContext,
  clients: AwsClients,
): Promise<Check[]> {
  const b = base(resource, 'replication rule');
  let rules: ReplicationRule[];
  try {
    const out = await awsCall(ctx, 's3:GetReplicationConfiguration', (abortSignal) =>
      clients
        .forRegion(service.primaryRegion)
        .s3.send(new (sdk.s3().GetBucketReplicationCommand)({ Bucket: resource.sourceBucket }), {
          abortSignal,
        }),
    );
    rules = out.ReplicationConfiguration?.Rules ?? [];
  } catch (error) {
    if (error instanceof AwsCallError && error.awsName === 'ReplicationConfigurationNotFoundError')
      rules = [];
    else throw error;
  }
  const rule = matchingRule(resource, rules);
  const wanted = resource.replicationRuleId ? `rule ${resource.replicationRuleId} ` : 'a rule ';
  if (!rule) {
    return [
      {
        ...b,
        verdict: 'not_ready',
        measured: text('no rule'),
        target: text('Enabled'),
        reason: `${resource.id}: ${resource.sourceBucket} has no replication ${wanted}to ${resource.destinationBucket}`,
      },
    ];
  }
  const ruleId = rule.ID ?? resource.replicationRuleId;
  if (rule.Status !== 'Enabled') {
    return [
      {
        ...b,
        verdict: 'not_ready',
        measured: text(rule.Status ?? 'Disabled'),
        target: text('Enabled'),
        reason: `${resource.id}: replication rule ${ruleId ?? ''} to ${resource.destinationBucket} is ${rule.Status ?? 'Disabled'}`,
      },
    ];
  }
  const rtc = rule.Destination?.ReplicationTime?.Status === 'Enabled';
  const ruleCheck: Check = {
    ...b,
    verdict: 'ready',
    measured: text(rtc ? 'Enabled (RTC)' : 'Enabled'),
    target: text('Enabled'),
    reason: `${resource.id}: replication rule ${ruleId ?? ''} to ${resource.destinationBucket} Enabled${rtc ? ' with Replication Time Control' : ''}`,
  };
  const lag = ruleId ? await replicationLag(resource, service, ctx, clients, ruleId) : undefined;
  if (lag) return [ruleCheck, lag];
  // Not measured: only the canary (if any) can tell the lag. Mark the rule as freshness evidence we lack.
  return [
    resource.canary?.enabled
      ? ruleCheck
      : {
          ...ruleCheck,
          freshness: true,
          reason: `${ruleCheck.reason}; lag not measured (no replication metrics)`,
        },
  ];
}

async function replicationLag(
  resource: Bucket,
  service: NamedService,
  ctx: CheckContext,
  clients: AwsClients,
  ruleId: string,
): Promise<Check | undefined> {
  const dimensions = {
    SourceBucket: resource.sourceBucket,
    DestinationBucket: resource.destinationBucket,
    RuleId: ruleId,
  };
  const points = await latestMetrics(ctx, clients.forRegion(service.primaryRegion).cloudwatch, [
    { id: 'latency', namespace: 'AWS/S3', metricName: 'ReplicationLatency', dimensions },
    { id: 'pending', namespace: 'AWS/S3', metricName: 'OperationsPendingReplication', dimensions },
  ]);
  const latency = points.get('latency');
  if (!latency) return undefined;
  const pending = points.get('pending')?.value;
  // ReplicationLatency is reported in seconds.
  const check = freshnessCheck(
    base(resource, 'replication lag', true),
    'replication latency',
    latency.value * 1_000,
    service.rpo,
    'RPO',
    'metric',
  );
  return pending === undefined
    ? check
    : {
        ...check,
        reason: `${check.reason}, ${pending} operations pending`,
        target: check.target ?? count(0),
      };
}

async function encryption(
  resource: Bucket,
  ctx: CheckContext,
  source: S3Client,
  destination: S3Client,
): Promise<Check> {
  const b = base(resource, 'encryption');
  const results = await Promise.all(
    bothBuckets(resource, source, destination).map(async ({ client, bucket }) => {
      try {
        const out = await awsCall(ctx, 's3:GetEncryptionConfiguration', (abortSignal) =>
          client.send(new (sdk.s3().GetBucketEncryptionCommand)({ Bucket: bucket }), {
            abortSignal,
          }),
        );
        const algorithm =
          out.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
        return { bucket: bucket, algorithm };
      } catch (error) {
        if (
          error instanceof AwsCallError &&
          error.awsName === 'ServerSideEncryptionConfigurationNotFoundError'
        ) {
          return { bucket: bucket, algorithm: undefined };
        }
        throw error;
      }
    }),
  );
  const missing = results.filter((r) => !r.algorithm);
  if (missing.length > 0) {
    return {
      ...b,
      verdict: 'degraded',
      measured: text('none'),
      target: text('default encryption'),
      reason: `${resource.id}: no default encryption on ${missing.map((m) => m.bucket).join(' and ')}`,
    };
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text(results.map((r) => r.algorithm).join(' / ')),
    target: text('default encryption'),
    reason: `${resource.id}: default encryption on both buckets`,
  };
}
