import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import type { Checker } from '../types.js';
import { awsCall } from './call.js';
import {
  type CanaryOptions,
  type CanaryProbe,
  canaryBase,
  createCanaryRunner,
  isNotFound,
} from './canary.js';

/** Attribute that carries the heartbeat id on DynamoDB items and the metadata key on S3 objects. */
export const CANARY_ATTRIBUTE = 'lifeboatCanaryId';
export const CANARY_METADATA = 'lifeboat-canary-id';

/**
 * DynamoDB replication canary (opt-in `canary` on the table): PutItem of a heartbeat under the canary key
 * prefix in the primary Region, then GetItem on the recovery replica until the same heartbeat id (or a later
 * replica's, read back from the primary) is there.
 * Needs string partition (and sort) keys: the key schema comes from DescribeTable.
 */
export function createDynamoDbCanaryChecker(
  clients: AwsClients,
  options: CanaryOptions,
): Checker<'dynamodb-global-table'> {
  const runner = createCanaryRunner(options);
  return {
    async check(resource, service, ctx) {
      const canary = resource.canary;
      if (!canary?.enabled) return [];
      const primary = clients.forRegion(service.primaryRegion).dynamodb;
      const recovery = clients.forRegion(service.recoveryRegion).dynamodb;
      let key: Record<string, { S: string }> | undefined;
      const keyFor = async (): Promise<Record<string, { S: string }>> => {
        if (key) return key;
        const out = await awsCall(ctx, 'dynamodb:DescribeTable', (abortSignal) =>
          primary.send(new DescribeTableCommand({ TableName: resource.tableName }), { abortSignal }),
        );
        const types = new Map(
          (out.Table?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
        );
        const built: Record<string, { S: string }> = {};
        for (const element of out.Table?.KeySchema ?? []) {
          const name = element.AttributeName ?? '';
          if (types.get(name) !== 'S')
            throw new Error(`the canary needs string keys; ${name} is ${types.get(name)}`);
          built[name] = {
            S:
              element.KeyType === 'HASH'
                ? `${canary.keyPrefix}${service.name}`
                : `${canary.keyPrefix}heartbeat`,
          };
        }
        key = built;
        return built;
      };
      const probe: CanaryProbe = {
        async write(id) {
          const item = {
            ...(await keyFor()),
            [CANARY_ATTRIBUTE]: { S: id },
            lifeboatCanaryAt: { N: String(ctx.now) },
          };
          await awsCall(ctx, 'dynamodb:PutItem', (abortSignal) =>
            primary.send(new PutItemCommand({ TableName: resource.tableName, Item: item }), { abortSignal }),
          );
        },
        async replicated() {
          const out = await awsCall(ctx, 'dynamodb:GetItem', (abortSignal) =>
            recovery.send(new GetItemCommand({ TableName: resource.tableName, Key: key ?? {} }), {
              abortSignal,
            }),
          );
          return out?.Item?.[CANARY_ATTRIBUTE]?.S;
        },
        async current() {
          const out = await awsCall(ctx, 'dynamodb:GetItem', (abortSignal) =>
            primary.send(
              new GetItemCommand({ TableName: resource.tableName, Key: key ?? {}, ConsistentRead: true }),
              { abortSignal },
            ),
          );
          return out?.Item?.[CANARY_ATTRIBUTE]?.S;
        },
      };
      return runner.run(canaryBase(resource), service, canary.interval, probe, `table ${resource.tableName}`);
    },
  };
}

type Bucket = ResourceOf<'s3-bucket'>;

export function canaryObjectKey(resource: Bucket, service: string): string {
  return `${resource.canary?.keyPrefix ?? 'lifeboat-canary/'}${service}/${resource.id}`;
}

/**
 * S3 replication canary (opt-in `canary` on the bucket): PutObject of a heartbeat under the canary key prefix
 * in the source bucket, then HeadObject on the destination bucket until the replica carries the same id (or a
 * later replica's, read back from the source).
 * The prefix must be inside the replication rule's filter.
 */
export function createS3CanaryChecker(clients: AwsClients, options: CanaryOptions): Checker<'s3-bucket'> {
  const runner = createCanaryRunner(options);
  return {
    async check(resource, service, ctx) {
      const canary = resource.canary;
      if (!canary?.enabled) return [];
      const source = clients.forRegion(service.primaryRegion).s3;
      const destination = clients.forRegion(service.recoveryRegion).s3;
      const Key = canaryObjectKey(resource, service.name);
      const heartbeatOf = async (client: typeof source, Bucket: string) => {
        try {
          const out = await awsCall(ctx, 's3:GetObject', (abortSignal) =>
            client.send(new (sdk.s3().HeadObjectCommand)({ Bucket, Key }), { abortSignal }),
          );
          return out?.Metadata?.[CANARY_METADATA];
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      };
      const probe: CanaryProbe = {
        async write(id) {
          await awsCall(ctx, 's3:PutObject', (abortSignal) =>
            source.send(
              new (sdk.s3().PutObjectCommand)({
                Bucket: resource.sourceBucket,
                Key,
                Body: JSON.stringify({ id, at: ctx.now }),
                ContentType: 'application/json',
                Metadata: { [CANARY_METADATA]: id },
              }),
              { abortSignal },
            ),
          );
        },
        replicated: () => heartbeatOf(destination, resource.destinationBucket),
        current: () => heartbeatOf(source, resource.sourceBucket),
      };
      return runner.run(
        canaryBase(resource),
        service,
        canary.interval,
        probe,
        `bucket ${resource.destinationBucket}`,
      );
    },
  };
}
