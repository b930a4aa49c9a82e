import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf, Step } from '../../plan/schema.js';
import type { Facts, Observation, StepContext, StepExecutor } from './types.js';

type TableStep = Extract<Step, { kind: 'dynamodb-global-table' }>;
type BucketStep = Extract<Step, { kind: 's3' }>;

/** Attribute naming the execution and step that wrote the writability canary. */
export const WRITE_CHECK_ATTRIBUTE = 'lifeboatWriteCheck';

const table = (ctx: StepContext<TableStep>) => ctx.resource as ResourceOf<'dynamodb-global-table'>;
const marker = (ctx: StepContext<TableStep>) => `${ctx.executionId}/${ctx.step.id}`;

async function describeTable(ctx: StepContext<TableStep>) {
  const ddb = ctx.clients.forRegion(ctx.targetRegion).dynamodb;
  const out = await ctx.aws.call('dynamodb:DescribeTable', (abortSignal) =>
    ddb.send(new DescribeTableCommand({ TableName: table(ctx).tableName }), { abortSignal }),
  );
  return out.Table;
}

/** The canary key under the plan's prefix, or undefined when the table's keys are not strings. */
function canaryKey(ctx: StepContext<TableStep>, t: Awaited<ReturnType<typeof describeTable>>) {
  const prefix = table(ctx).canary?.keyPrefix ?? 'lifeboat-canary/';
  const types = new Map((t?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const key: Record<string, { S: string }> = {};
  for (const k of t?.KeySchema ?? []) {
    const name = k.AttributeName ?? '';
    if (types.get(name) !== 'S') return undefined;
    key[name] = {
      S: k.KeyType === 'HASH' ? `${prefix}${ctx.service.name}-failover` : `${prefix}write-check`,
    };
  }
  return Object.keys(key).length > 0 ? key : undefined;
}

const writeCheck = (ctx: StepContext<TableStep>) => table(ctx).canary?.enabled === true;

/**
 * DynamoDB global tables are active-active: failover is routing. The step verifies the recovery
 * replica is ACTIVE and, with a canary configured, writable (PutItem then a consistent GetItem under
 * the canary prefix, marked with this execution and step so it is written at most once).
 */
export const dynamoDbExecutor: StepExecutor<TableStep> = {
  defaultTimeoutMs: 5 * 60_000,
  describe: (ctx) =>
    `Check the ${table(ctx).tableName} replica in ${ctx.targetRegion} is ACTIVE${writeCheck(ctx) ? ' and writable (canary item)' : ''}`,
  irreversible: () => false,
  async observe(ctx): Promise<Observation> {
    const t = await describeTable(ctx);
    const status = t?.TableStatus ?? 'missing';
    const replicas = (t?.Replicas ?? []).map((r) => `${r.RegionName}: ${r.ReplicaStatus}`).join(', ');
    const facts = { status, replicas };
    const preconditions = [
      {
        name: `replica in ${ctx.targetRegion} ACTIVE`,
        ok: status === 'ACTIVE',
        observed: `${status}; replicas ${replicas || 'none listed'}`,
      },
    ];
    if (status !== 'ACTIVE')
      return {
        state: 'blocked',
        summary: `table ${table(ctx).tableName} is ${status} in ${ctx.targetRegion}`,
        facts,
        preconditions,
      };
    if (!writeCheck(ctx))
      return { state: 'done', summary: `table ACTIVE in ${ctx.targetRegion}`, facts, preconditions };
    const key = canaryKey(ctx, t);
    if (!key)
      return {
        state: 'done',
        summary: 'table ACTIVE (keys are not strings: no write check)',
        facts,
        preconditions,
      };
    const ddb = ctx.clients.forRegion(ctx.targetRegion).dynamodb;
    const got = await ctx.aws.call('dynamodb:GetItem', (abortSignal) =>
      ddb.send(new GetItemCommand({ TableName: table(ctx).tableName, Key: key, ConsistentRead: true }), {
        abortSignal,
      }),
    );
    if (got.Item?.[WRITE_CHECK_ATTRIBUTE]?.S === marker(ctx))
      return {
        state: 'done',
        summary: `table ACTIVE and writable in ${ctx.targetRegion}`,
        facts,
        preconditions,
      };
    return {
      state: 'not-started',
      summary: `table ACTIVE in ${ctx.targetRegion}; write check pending`,
      facts: { ...facts, key: JSON.stringify(key) },
      preconditions,
    };
  },
  calls(ctx, observation) {
    if (!writeCheck(ctx)) return [];
    const key =
      typeof observation?.facts?.key === 'string'
        ? (JSON.parse(observation.facts.key) as Record<string, unknown>)
        : '<canary key>';
    return [
      {
        client: 'dynamodb',
        command: 'PutItem',
        region: ctx.targetRegion,
        input: {
          TableName: table(ctx).tableName,
          Item: { ...(typeof key === 'string' ? { key } : key), [WRITE_CHECK_ATTRIBUTE]: { S: marker(ctx) } },
        },
        note: 'canary write under the plan’s canary prefix, read back with a consistent GetItem',
      },
    ];
  },
  async start(ctx, observation): Promise<Facts> {
    const key =
      typeof observation.facts?.key === 'string'
        ? (JSON.parse(observation.facts.key) as Record<string, { S: string }>)
        : undefined;
    if (!key) return {};
    const ddb = ctx.clients.forRegion(ctx.targetRegion).dynamodb;
    await ctx.aws.call('dynamodb:PutItem', (abortSignal) =>
      ddb.send(
        new PutItemCommand({
          TableName: table(ctx).tableName,
          Item: { ...key, [WRITE_CHECK_ATTRIBUTE]: { S: marker(ctx) }, lifeboatAt: { N: String(ctx.now()) } },
        }),
        { abortSignal },
      ),
    );
    return { wrote: true };
  },
};

const bucket = (ctx: StepContext<BucketStep>) => {
  const r = ctx.resource as ResourceOf<'s3-bucket'>;
  return ctx.kind === 'failover' ? r.destinationBucket : r.sourceBucket;
};

/** S3: verify the bucket in the target Region exists and keeps versions (read-only; no route change). */
export const s3Executor: StepExecutor<BucketStep> = {
  defaultTimeoutMs: 2 * 60_000,
  describe: (ctx) => `Check bucket ${bucket(ctx)} in ${ctx.targetRegion} exists with versioning enabled`,
  irreversible: () => false,
  async observe(ctx): Promise<Observation> {
    const s3 = ctx.clients.forRegion(ctx.targetRegion).s3;
    const out = await ctx.aws.call('s3:GetBucketVersioning', (abortSignal) =>
      s3.send(new (sdk.s3().GetBucketVersioningCommand)({ Bucket: bucket(ctx) }), { abortSignal }),
    );
    const status = out.Status ?? 'never enabled';
    const preconditions = [
      { name: 'versioning enabled', ok: status === 'Enabled', observed: `versioning ${status}` },
    ];
    return status === 'Enabled'
      ? {
          state: 'done',
          summary: `${bucket(ctx)}: versioning Enabled`,
          facts: { versioning: status },
          preconditions,
        }
      : {
          state: 'failed',
          summary: `${bucket(ctx)}: versioning ${status}`,
          facts: { versioning: status },
          preconditions,
        };
  },
  calls: () => [],
  start: async () => ({}),
};
