import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock.js';
import { queryAll, writeIf } from './ops.js';

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
  const key = (id: string) => ({ pk: keys.pk(id), sk: keys.sk });
  const read = async (id: string) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }))).Item;

  const atVersion = (expected: number) => ({
    ConditionExpression: '#v = :expected',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':expected': expected },
  });

  return {
    async create(id, data, options = {}) {
      const item = { ...data, version: 1, ...ttl(options.expiresAtMs) };
      const put = { Item: { ...item, ...key(id) }, ConditionExpression: 'attribute_not_exists(pk)' };
      if (!(await writeIf(client, { put: { TableName: tableName, ...put } })))
        throw new ConflictError(`${keys.pk(id)} already exists`, live(await read(id)));
      return item as T & Versioned;
    },
    async get(id) {
      return live(await read(id));
    },
    async transition(id, expected, next, options = {}) {
      const item = { ...next, version: expected + 1, ...ttl(options.expiresAtMs) };
      const put = { Item: { ...item, ...key(id) }, ...atVersion(expected) };
      if (!(await writeIf(client, { put: { TableName: tableName, ...put } })))
        throw new ConflictError(`${keys.pk(id)} is no longer at version ${expected}`, live(await read(id)));
      return item as T & Versioned;
    },
    async list(id) {
      const out: (T & Versioned)[] = [];
      const query = {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.pk(id) },
      };
      for await (const item of queryAll(client, query)) {
        const value = live(item);
        if (value) out.push(value);
      }
      return out;
    },
    async delete(id, expected) {
      if (
        !(await writeIf(client, { delete: { TableName: tableName, Key: key(id), ...atVersion(expected) } }))
      )
        throw new ConflictError(`${keys.pk(id)} changed`, live(await read(id)));
    },
  };
}
