import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock.js';

/** Fields every versioned item carries. `expiresAtMs` (if set) hides the item on read once past. */
export interface Versioned {
  readonly version: number;
  readonly expiresAtMs?: number;
}

/** A conditional write lost: someone else changed the item first. `current` is what they wrote. */
export class ConflictError<T> extends Error {
  readonly code = 'conflict';
  constructor(
    message: string,
    readonly current: T | undefined,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export interface VersionedStore<T extends object> {
  /** Writes version 1; fails with ConflictError if the id exists (attribute_not_exists). */
  create(id: string, data: T, options?: { expiresAtMs?: number }): Promise<T & Versioned>;
  get(id: string): Promise<(T & Versioned) | undefined>;
  /** Writes `next` as version expected+1 only if the stored version is still `expected`. */
  transition(
    id: string,
    expected: number,
    next: T,
    options?: { expiresAtMs?: number },
  ): Promise<T & Versioned>;
  /** Every live item in this collection under one partition (small collections only). */
  list(id: string): Promise<(T & Versioned)[]>;
  delete(id: string, expected: number): Promise<void>;
}

export interface CollectionKeys {
  /** Partition key for an id, e.g. `EXEC#<id>`. */
  pk(id: string): string;
  /** Sort key of the versioned item within that partition. */
  readonly sk: string;
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/**
 * A collection of items that change only by single-item conditional writes on a version number:
 * the basis for executions, incidents and other state machines that several replicas may drive.
 */
export function createVersionedStore<T extends object>(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: CollectionKeys,
  clock: Clock,
): VersionedStore<T> {
  const live = (item: Record<string, unknown> | undefined): (T & Versioned) | undefined => {
    if (!item) return undefined;
    const expires = item.expiresAtMs;
    if (typeof expires === 'number' && expires <= clock.now()) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _ttl, ...data } = item;
    return data as T & Versioned;
  };
  const ttl = (expiresAtMs: number | undefined) =>
    expiresAtMs === undefined ? {} : { expiresAtMs, expiresAt: Math.ceil(expiresAtMs / 1000) };
  const read = async (id: string) =>
    (
      await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: keys.pk(id), sk: keys.sk }, ConsistentRead: true }),
      )
    ).Item;

  return {
    async create(id, data, options = {}) {
      const item = { ...data, version: 1, ...ttl(options.expiresAtMs) };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...item, pk: keys.pk(id), sk: keys.sk },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionFailure(error))
          throw new ConflictError(`${keys.pk(id)} already exists`, live(await read(id)));
        throw error;
      }
      return item as T & Versioned;
    },
    async get(id) {
      return live(await read(id));
    },
    async transition(id, expected, next, options = {}) {
      const item = { ...next, version: expected + 1, ...ttl(options.expiresAtMs) };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...item, pk: keys.pk(id), sk: keys.sk },
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expected },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) {
          throw new ConflictError(`${keys.pk(id)} is no longer at version ${expected}`, live(await read(id)));
        }
        throw error;
      }
      return item as T & Versioned;
    },
    async list(id) {
      const out: (T & Versioned)[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.pk(id) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const value = live(item);
          if (value) out.push(value);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return out;
    },
    async delete(id, expected) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: keys.pk(id), sk: keys.sk },
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expected },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error))
          throw new ConflictError(`${keys.pk(id)} changed`, live(await read(id)));
        throw error;
      }
    },
  };
}
