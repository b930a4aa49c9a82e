import { DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { _InstanceType } from '@aws-sdk/client-ec2';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { drillLaunchPlacement } from '../plan.js';
import { DRILL_TAG } from '../types.js';
import { type DrillStepExecutor, type Progress, type StepContext, tags } from './types.js';

const GONE = new Set(['terminated', 'shutting-down']);

async function drillInstances(ctx: StepContext) {
  const out = await ctx.clients.ec2.send(
    new (sdk.ec2().DescribeInstancesCommand)({
      Filters: [
        { Name: `tag:${DRILL_TAG}`, Values: [ctx.drillId] },
        { Name: 'tag:Name', Values: [ctx.step.names[0] ?? ''] },
      ],
    }),
    { abortSignal: ctx.signal() },
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

/**
 * Why a launch from this launch template version would land in the default VPC (its data names no subnet in a
 * network interface), or undefined when it names one. RunInstances takes the subnet from the template; without
 * one it uses the default VPC, or fails with VPCIdNotSpecified where there is none.
 */
async function templateWithoutSubnet(
  ctx: StepContext,
  lt: { readonly LaunchTemplateId: string; readonly Version: string },
): Promise<string | undefined> {
  const out = await ctx.clients.ec2.send(
    new (sdk.ec2().DescribeLaunchTemplateVersionsCommand)({
      LaunchTemplateId: lt.LaunchTemplateId,
      Versions: [lt.Version],
    }),
    { abortSignal: ctx.signal() },
  );
  const data = out.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
  if (data?.NetworkInterfaces?.some((n) => n.SubnetId)) return undefined;
  return `launch template ${lt.LaunchTemplateId} (version ${lt.Version}) names no subnet, so the drill instance would launch into the default VPC of ${ctx.step.region} (or fail where it has none): set drill.subnetId (and drill.securityGroupIds) for ${ctx.service.name} in the DR plan, or a subnet in the launch template`;
}

/**
 * EC2: one instance from the newest AMI copy (tagged with the resource's copyTag) in the recovery Region,
 * in the drill subnet. Found again by its tags; RunInstances carries a ClientToken so a repeated call after
 * a crash does not launch twice.
 */
export const launchEc2: DrillStepExecutor = {
  describe: (ctx) => `Launch ${ctx.step.names[0]} from the newest AMI copy in ${ctx.step.region}`,
  async advance(ctx): Promise<Progress> {
    const resource = ctx.resource as ResourceOf<'ec2'>;
    const found = (await drillInstances(ctx)).filter((i) => !GONE.has(i.State?.Name ?? ''));
    const created = found.map((i) => i.InstanceId ?? '').filter(Boolean);
    if (found.length > 0)
      return {
        state: found.some((i) => i.State?.Name === 'running') ? 'ready' : 'working',
        created,
      };
    if (!ctx.step.source) {
      const out = await ctx.clients.ec2.send(
        new (sdk.ec2().DescribeImagesCommand)({
          Owners: ['self'],
          Filters: [
            { Name: `tag:${resource.copyTag.key}`, Values: [resource.copyTag.value] },
            { Name: 'state', Values: ['available'] },
          ],
        }),
        { abortSignal: ctx.signal() },
      );
      const image = (out.Images ?? [])
        .filter((i) => i.ImageId && i.CreationDate)
        .sort((a, b) => Date.parse(b.CreationDate ?? '') - Date.parse(a.CreationDate ?? ''))
        .at(0);
      if (!image?.ImageId)
        return {
          state: 'failed',
          error: `no AMI copy tagged ${resource.copyTag.key}=${resource.copyTag.value}`,
        };
      return {
        state: 'working',
        source: image.ImageId,
        dataAtMs: Date.parse(image.CreationDate ?? ''),
        detail: `from AMI ${image.ImageId}${image.Name ? ` (${image.Name})` : ''}`,
      };
    }
    const name = ctx.step.names[0] ?? '';
    // Never the default VPC: the drill subnet, the launch template or the resource's launch parameters.
    const placement = drillLaunchPlacement(ctx.service, resource, ctx.settings);
    if ('refusal' in placement) return { state: 'failed', error: placement.refusal };
    const { InstanceType: planType, ...where } = placement.input;
    if (where.LaunchTemplate) {
      const unplaced = await templateWithoutSubnet(ctx, where.LaunchTemplate);
      if (unplaced) return { state: 'failed', error: unplaced };
    }
    const type = ctx.settings.instanceType ?? planType ?? (where.LaunchTemplate ? undefined : 't3.micro');
    const out = await ctx.clients.ec2.send(
      new (sdk.ec2().RunInstancesCommand)({
        ImageId: ctx.step.source,
        MinCount: 1,
        MaxCount: 1,
        ...(type ? { InstanceType: type as _InstanceType } : {}),
        ClientToken: `${ctx.drillId}-${ctx.step.id}`.slice(0, 64),
        ...where,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tags(ctx.drillId, name) },
          { ResourceType: 'volume', Tags: tags(ctx.drillId, name) },
        ],
      }),
      { abortSignal: ctx.signal() },
    );
    return {
      state: 'working',
      created: (out.Instances ?? []).map((i) => i.InstanceId ?? '').filter(Boolean),
    };
  },
  async cleanup(ctx) {
    const live = (await drillInstances(ctx)).filter((i) => i.State?.Name !== 'terminated');
    if (live.length === 0) return { gone: true };
    const ids = live
      .filter((i) => i.State?.Name !== 'shutting-down')
      .map((i) => i.InstanceId ?? '')
      .filter(Boolean);
    if (ids.length > 0)
      await ctx.clients.ec2.send(new (sdk.ec2().TerminateInstancesCommand)({ InstanceIds: ids }), {
        abortSignal: ctx.signal(),
      });
    return { gone: false, detail: `terminating ${live.map((i) => i.InstanceId).join(', ')}` };
  },
};

const MAX_PAGES = 10;

/** S3: the newest object in the destination (replica) bucket, read back. Data age = its LastModified. */
export const readS3: DrillStepExecutor = {
  describe: (ctx) =>
    `Read the newest replicated object in ${(ctx.resource as ResourceOf<'s3-bucket'>).destinationBucket}`,
  async advance(ctx): Promise<Progress> {
    const bucket = (ctx.resource as ResourceOf<'s3-bucket'>).destinationBucket;
    let newest: { key: string; at: number } | undefined;
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await ctx.clients.s3.send(
        new (sdk.s3().ListObjectsV2Command)({
          Bucket: bucket,
          ...(token ? { ContinuationToken: token } : {}),
        }),
        { abortSignal: ctx.signal() },
      );
      for (const o of out.Contents ?? []) {
        const at = o.LastModified?.getTime();
        if (o.Key && at !== undefined && (!newest || at > newest.at)) newest = { key: o.Key, at };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
      pages++;
    } while (token && pages < MAX_PAGES);
    if (!newest) return { state: 'ready', detail: `${bucket} is empty: data age not measured` };
    const got = await ctx.clients.s3.send(
      new (sdk.s3().GetObjectCommand)({ Bucket: bucket, Key: newest.key, Range: 'bytes=0-1023' }),
      { abortSignal: ctx.signal() },
    );
    await got.Body?.transformToByteArray();
    const scope = token ? ` among the first ${pages * 1000} keys` : '';
    const canary = (ctx.resource as ResourceOf<'s3-bucket'>).canary;
    const heartbeat = canary?.enabled === true && newest.key.startsWith(canary.keyPrefix);
    return {
      state: 'ready',
      dataAtMs: newest.at,
      detail: `read ${newest.key}${heartbeat ? ' (the canary heartbeat)' : ''}${scope}`,
      ...(heartbeat ? { heartbeat } : {}),
    };
  },
  cleanup: async () => ({ gone: true }),
};

/**
 * DynamoDB: the replica in the recovery Region is ACTIVE and the newest heartbeat of the readiness canary
 * (when the table has one) is read back from it. Without a canary, readability is checked but the data age
 * cannot be told.
 */
export const readDynamoDb: DrillStepExecutor = {
  describe: (ctx) =>
    `Read the newest replicated item of ${(ctx.resource as ResourceOf<'dynamodb-global-table'>).tableName} in ${ctx.step.region}`,
  async advance(ctx): Promise<Progress> {
    const resource = ctx.resource as ResourceOf<'dynamodb-global-table'>;
    const table = await ctx.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: resource.tableName }),
      {
        abortSignal: ctx.signal(),
      },
    );
    const status = table.Table?.TableStatus ?? 'unknown';
    if (status !== 'ACTIVE') return { state: 'failed', error: `table is ${status} in ${ctx.step.region}` };
    const canary = resource.canary;
    if (!canary?.enabled)
      return { state: 'ready', detail: 'table ACTIVE; no canary on this table, so data age not measured' };
    const key: Record<string, { S: string }> = {};
    for (const element of table.Table?.KeySchema ?? []) {
      const name = element.AttributeName ?? '';
      key[name] = {
        S:
          element.KeyType === 'HASH'
            ? `${canary.keyPrefix}${ctx.service.name}`
            : `${canary.keyPrefix}heartbeat`,
      };
    }
    const out = await ctx.clients.dynamodb.send(
      new GetItemCommand({ TableName: resource.tableName, Key: key }),
      {
        abortSignal: ctx.signal(),
      },
    );
    const at = Number(out.Item?.lifeboatCanaryAt?.N);
    if (!out.Item || !Number.isFinite(at))
      return {
        state: 'ready',
        detail: 'table ACTIVE; no canary heartbeat replicated yet, data age not measured',
      };
    return { state: 'ready', dataAtMs: at, heartbeat: true, detail: 'read the newest canary heartbeat' };
  },
  cleanup: async () => ({ gone: true }),
};
