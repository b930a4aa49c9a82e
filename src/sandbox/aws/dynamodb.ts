import type {
  AttributeValue,
  DeleteItemCommandInput,
  DeleteItemCommandOutput,
  DeleteTableCommandInput,
  DeleteTableCommandOutput,
  DescribeContinuousBackupsCommandInput,
  DescribeContinuousBackupsCommandOutput,
  DescribeTableCommandInput,
  DescribeTableCommandOutput,
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  TableDescription,
  UpdateTableCommandInput,
  UpdateTableCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DURATIONS } from './durations.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import {
  emitChange,
  type Item,
  impairedSince,
  nextId,
  rkey,
  type TableReplica,
  type World,
} from './world.js';

/** The simulated tables' key schema: a single string partition key. */
export const PARTITION_KEY = 'pk';

type Attributes = Record<string, AttributeValue>;

export function tableArn(w: World, t: TableReplica): string {
  return `arn:aws:dynamodb:${t.region}:${w.account}:table/${t.name}`;
}

export function replicaOf(w: World, region: string, name: string | undefined): TableReplica {
  const bare = name?.startsWith('arn:') ? name.split('/')[1] : name;
  const t = bare ? w.dynamodb.replicas.get(rkey(region, bare)) : undefined;
  if (!t || t.status === 'CREATING')
    throw awsError(
      'dynamodb',
      'ResourceNotFoundException',
      `Requested resource not found: Table: ${name ?? ''} not found`,
    );
  return t;
}

const peers = (w: World, name: string) => [...w.dynamodb.replicas.values()].filter((r) => r.name === name);

function keyOf(key: Attributes | undefined): string {
  const pk = key?.[PARTITION_KEY];
  if (!pk)
    throw awsError(
      'dynamodb',
      'ValidationException',
      `One or more parameter values were invalid: Missing the key ${PARTITION_KEY} in the item`,
    );
  return JSON.stringify(pk);
}

function record(
  w: World,
  t: TableReplica,
  key: string,
  oldItem: Item | undefined,
  newItem: Item | undefined,
  at: number,
): void {
  const keys = { [PARTITION_KEY]: JSON.parse(key) as unknown };
  const n = (w.counters.get('stream-seq') ?? 0) + 1;
  w.counters.set('stream-seq', n);
  t.stream.push({
    seq: String(100_000_000_000 + n).padStart(21, '0'),
    eventName: !newItem ? 'REMOVE' : oldItem ? 'MODIFY' : 'INSERT',
    at,
    keys,
    ...(newItem ? { newImage: newItem } : {}),
    ...(oldItem ? { oldImage: oldItem } : {}),
  });
}

/** Writes locally, records a stream record, and queues replication to every other replica. */
function write(w: World, t: TableReplica, key: string, item: Item | undefined): Item | undefined {
  const now = w.time.now();
  const old = t.items.get(key);
  if (item) t.items.set(key, item);
  else t.items.delete(key);
  record(w, t, key, old, item, now);
  for (const peer of peers(w, t.name)) {
    if (peer !== t)
      w.dynamodb.pending.push({ table: t.name, from: t.region, to: peer.region, key, item, writtenAt: now });
  }
  return old;
}

/** Applies replicated writes whose latency has passed, unless either Region or the table is impaired. */
export function advanceDynamoDb(w: World): void {
  const now = w.time.now();
  const delay = w.time.toClock(DURATIONS.dynamodbReplication);
  w.dynamodb.pending = w.dynamodb.pending.filter((p) => {
    if (p.writtenAt + delay > now) return true;
    if (impairedSince(w, now, [p.from, p.to], [p.table]) !== undefined) return true;
    const dest = w.dynamodb.replicas.get(rkey(p.to, p.table));
    if (!dest) return false;
    const old = dest.items.get(p.key);
    if (p.item) dest.items.set(p.key, p.item);
    else dest.items.delete(p.key);
    record(w, dest, p.key, old, p.item, now);
    return false;
  });
}

function checkCondition(
  expression: string | undefined,
  names: Record<string, string> | undefined,
  existing: Item | undefined,
): void {
  if (!expression) return;
  const match = /^\s*(attribute_not_exists|attribute_exists)\s*\(\s*([#\w]+)\s*\)\s*$/.exec(expression);
  if (!match)
    throw awsError(
      'dynamodb',
      'ValidationException',
      'The sandbox supports only attribute_exists/attribute_not_exists conditions',
    );
  const attr = match[2]?.startsWith('#') ? names?.[match[2]] : match[2];
  const present = existing !== undefined && attr !== undefined && attr in existing;
  if ((match[1] === 'attribute_exists') !== present)
    throw awsError('dynamodb', 'ConditionalCheckFailedException', 'The conditional request failed');
}

export function tableShape(w: World, t: TableReplica): TableDescription {
  const arn = tableArn(w, t);
  const size = [...t.items.values()].reduce((sum, item) => sum + JSON.stringify(item).length, 0);
  return {
    TableName: t.name,
    TableStatus: t.status,
    TableArn: arn,
    TableId: t.tableId,
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
    BillingModeSummary: {
      BillingMode: 'PAY_PER_REQUEST',
      LastUpdateToPayPerRequestDateTime: new Date(t.createdAt),
    },
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
    ItemCount: t.items.size,
    TableSizeBytes: size,
    CreationDateTime: new Date(t.createdAt),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    LatestStreamArn: `${arn}/stream/${t.streamLabel}`,
    LatestStreamLabel: t.streamLabel,
    GlobalTableVersion: '2019.11.21',
    DeletionProtectionEnabled: false,
    SSEDescription: {
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: `arn:aws:kms:${t.region}:${w.account}:key/aws-dynamodb`,
    },
    Replicas: peers(w, t.name)
      .filter((p) => p !== t)
      .map((p) => ({ RegionName: p.region, ReplicaStatus: p.status === 'UPDATING' ? 'ACTIVE' : p.status })),
  };
}

export function registerDynamoDb(registry: Registry): void {
  registry
    .on<DescribeTableCommandInput, DescribeTableCommandOutput>(
      'dynamodb:DescribeTable',
      (input, { world, region }) => ({
        Table: tableShape(world, replicaOf(world, region, input.TableName)),
      }),
    )
    .on<DeleteTableCommandInput, DeleteTableCommandOutput>(
      'dynamodb:DeleteTable',
      (input, { world, region }) => {
        // DeleteTable (API reference): the table is DELETING, then gone; a DELETING table cannot be deleted again.
        const t = replicaOf(world, region, input.TableName);
        if (t.status === 'DELETING')
          throw awsError('dynamodb', 'ResourceInUseException', `Table is being deleted: ${t.name}`);
        t.status = 'DELETING';
        emitChange(world, 'dynamodb-table', t.name, { region, to: 'DELETING' });
        const now = world.time.now();
        world.scheduler.at(now + world.time.toClock(DURATIONS.deleteTable), () => {
          if (world.dynamodb.replicas.get(rkey(region, t.name)) === t)
            world.dynamodb.replicas.delete(rkey(region, t.name));
        });
        return { TableDescription: tableShape(world, t) };
      },
    )
    .on<DescribeContinuousBackupsCommandInput, DescribeContinuousBackupsCommandOutput>(
      'dynamodb:DescribeContinuousBackups',
      (input, { world, region }) => {
        const t = replicaOf(world, region, input.TableName);
        const now = world.time.now();
        return {
          ContinuousBackupsDescription: {
            ContinuousBackupsStatus: 'ENABLED',
            PointInTimeRecoveryDescription: t.pitr
              ? {
                  PointInTimeRecoveryStatus: 'ENABLED',
                  RecoveryPeriodInDays: 35,
                  EarliestRestorableDateTime: new Date(Math.max(t.createdAt, now - 35 * 86_400_000)),
                  LatestRestorableDateTime: new Date(now - 300_000),
                }
              : { PointInTimeRecoveryStatus: 'DISABLED' },
          },
        };
      },
    )
    .on<PutItemCommandInput, PutItemCommandOutput>('dynamodb:PutItem', (input, { world, region }) => {
      const t = replicaOf(world, region, input.TableName);
      const key = keyOf(input.Item);
      checkCondition(input.ConditionExpression, input.ExpressionAttributeNames, t.items.get(key));
      const old = write(world, t, key, { ...(input.Item ?? {}) });
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old as Attributes } : {};
    })
    .on<GetItemCommandInput, GetItemCommandOutput>('dynamodb:GetItem', (input, { world, region }) => {
      const item = replicaOf(world, region, input.TableName).items.get(keyOf(input.Key));
      return item ? { Item: item as Attributes } : {};
    })
    .on<DeleteItemCommandInput, DeleteItemCommandOutput>(
      'dynamodb:DeleteItem',
      (input, { world, region }) => {
        const t = replicaOf(world, region, input.TableName);
        const key = keyOf(input.Key);
        checkCondition(input.ConditionExpression, input.ExpressionAttributeNames, t.items.get(key));
        const old = t.items.has(key) ? write(world, t, key, undefined) : undefined;
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old as Attributes } : {};
      },
    )
    .on<UpdateTableCommandInput, UpdateTableCommandOutput>(
      'dynamodb:UpdateTable',
      (input, { world, region }) => {
        const t = replicaOf(world, region, input.TableName);
        if (t.status !== 'ACTIVE')
          throw awsError(
            'dynamodb',
            'ResourceInUseException',
            `Attempt to change a resource which is still in use: Table is being updated: ${t.name}`,
          );
        const now = world.time.now();
        for (const update of input.ReplicaUpdates ?? []) {
          const target = update.Create?.RegionName ?? update.Delete?.RegionName ?? '';
          const existing = world.dynamodb.replicas.get(rkey(target, t.name));
          if (update.Create) {
            if (existing)
              throw awsError(
                'dynamodb',
                'ValidationException',
                `Failed to create a the new replica of table with name: '${t.name}' because one or more replicas already existed as tables.`,
              );
            const replica: TableReplica = {
              ...t,
              region: target,
              status: 'CREATING',
              tableId: nextId(world, 'tbl-', 24),
              createdAt: now,
              items: new Map(),
              stream: [],
              streamLabel: new Date(now).toISOString().replace(/Z$/, ''),
            };
            world.dynamodb.replicas.set(rkey(target, t.name), replica);
            world.scheduler.at(now + world.time.toClock(DURATIONS.dynamodbReplicaCreate), () => {
              for (const source of peers(world, t.name))
                if (source !== replica) for (const [k, v] of source.items) replica.items.set(k, v);
              replica.status = 'ACTIVE';
              emitChange(world, 'dynamodb-replica', t.name, { region: target, to: 'ACTIVE' });
            });
          } else if (update.Delete) {
            if (!existing)
              throw awsError(
                'dynamodb',
                'ValidationException',
                `Replica ${target} of table ${t.name} does not exist.`,
              );
            existing.status = 'DELETING';
            world.scheduler.at(now + world.time.toClock(DURATIONS.dynamodbReplicaDelete), () => {
              world.dynamodb.replicas.delete(rkey(target, t.name));
              emitChange(world, 'dynamodb-replica', t.name, { region: target, to: 'DELETED' });
            });
          }
          emitChange(world, 'dynamodb-replica', t.name, {
            region: target,
            to: update.Create ? 'CREATING' : 'DELETING',
          });
        }
        if (input.ReplicaUpdates?.length) {
          t.status = 'UPDATING';
          world.scheduler.at(now + world.time.toClock(DURATIONS.dynamodbReplicaCreate), () => {
            if (t.status === 'UPDATING') t.status = 'ACTIVE';
          });
        }
        return { TableDescription: tableShape(world, t) };
      },
    );
}
