import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../adapters/store/ops.js';
import type { Clock } from '../domain/clock.js';
import { DAY_MS } from './time.js';
import type { SlotRecord, SlotStore } from './types.js';

/** Slot items are kept this long (DynamoDB TTL in production), for `/dr status` and the digest's history. */
const RETAIN_MS = 30 * DAY_MS;

const pk = (job: string) => `SCHED#${job}`;
const sk = (slot: string) => `SLOT#${slot}`;

function toRecord(item: Record<string, unknown> | undefined): SlotRecord | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest as unknown as SlotRecord;
}

/**
 * Slots in Lifeboat's table: one item per (job, slot), `SCHED#<job>` / `SLOT#<ISO instant>`.
 * A claim is a conditional put: the item is absent, or its running claim lapsed (the owner died
 * mid-run). A finished slot is never claimed again, so a slot runs at most once to completion.
 */
/** A slot just claimed by `owner`, its lease running `ttlMs` from `now`. */
const runningSlot = (
  job: string,
  slot: string,
  owner: string,
  late: boolean,
  now: number,
  ttlMs: number,
): SlotRecord => ({
  job,
  slot,
  owner,
  state: 'running',
  late,
  startedAtMs: now,
  leaseExpiresAtMs: now + ttlMs,
});

export function createDynamoSlotStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): SlotStore {
  return {
    async claim(job, slot, owner, ttlMs, late) {
      const now = clock.now();
      const record = runningSlot(job, slot, owner, late, now, ttlMs);
      return writeIf(client, {
        put: {
          TableName: tableName,
          Item: { pk: pk(job), sk: sk(slot), ...record, expiresAt: Math.ceil((now + RETAIN_MS) / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :running AND leaseExpiresAtMs <= :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':now': now },
        },
      });
    },
    async finish(job, slot, owner, outcome) {
      const values: Record<string, unknown> = {
        ':state': outcome.state,
        ':at': clock.now(),
        ':owner': owner,
        ':running': 'running',
      };
      const sets = ['#state = :state', 'finishedAtMs = :at'];
      if (outcome.error !== undefined) {
        sets.push('#error = :error');
        values[':error'] = outcome.error;
      }
      if (outcome.summary !== undefined) {
        sets.push('summary = :summary');
        values[':summary'] = outcome.summary;
      }
      return writeIf(client, {
        update: {
          TableName: tableName,
          Key: { pk: pk(job), sk: sk(slot) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#owner = :owner AND #state = :running',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#owner': 'owner',
            ...(outcome.error !== undefined ? { '#error': 'error' } : {}),
          },
          ExpressionAttributeValues: values,
        },
      });
    },
    async get(job, slot) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: pk(job), sk: sk(slot) }, ConsistentRead: true }),
      );
      return toRecord(Item);
    },
    async latest(job) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk(job), ':prefix': 'SLOT#' },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return toRecord(Items[0]);
    },
  };
}

/** The same rules in memory: for tests and single-process use. */
export function createMemorySlotStore(clock: Clock): SlotStore & { all(): SlotRecord[] } {
  const items = new Map<string, SlotRecord>();
  const key = (job: string, slot: string) => `${job}\u0000${slot}`;
  return {
    async claim(job, slot, owner, ttlMs, late) {
      const now = clock.now();
      const existing = items.get(key(job, slot));
      if (existing && !(existing.state === 'running' && existing.leaseExpiresAtMs <= now)) return false;
      items.set(key(job, slot), runningSlot(job, slot, owner, late, now, ttlMs));
      return true;
    },
    async finish(job, slot, owner, outcome) {
      const existing = items.get(key(job, slot));
      if (!existing || existing.owner !== owner || existing.state !== 'running') return false;
      items.set(key(job, slot), { ...existing, ...outcome, finishedAtMs: clock.now() });
      return true;
    },
    async get(job, slot) {
      return items.get(key(job, slot));
    },
    async latest(job) {
      return [...items.values()].filter((r) => r.job === job).sort((a, b) => (a.slot < b.slot ? 1 : -1))[0];
    },
    all: () => [...items.values()],
  };
}
