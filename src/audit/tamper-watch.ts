import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { _Record, DynamoDBStreamsClient, ShardIteratorType } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../adapters/aws/sdk.js';
import type { Logger } from '../logger.js';
import { itemHash } from './dynamo-item.js';

/** Whether audit items are watched in real time, as `/dr audit verify` shows it. */
export type TamperWatchStatus =
  | { readonly state: 'on'; readonly streamArn: string; readonly since: string }
  | { readonly state: 'off'; readonly reason: string }
  | {
      readonly state: 'failing';
      readonly streamArn: string;
      readonly reason: string;
      readonly since: string;
    };

/** A change to an audit item other than its creation: someone updated, overwrote or deleted it. */
export interface TamperEvent {
  readonly event: 'MODIFY' | 'REMOVE';
  readonly pk: string;
  readonly sk: string;
  /** When DynamoDB recorded the change (ISO, the stream record's approximate creation time). */
  readonly at?: string;
  readonly sequenceNumber: string;
  /** The entry's `hash` before and after (a MODIFY that re-hashes shows both). */
  readonly oldHash?: string;
  readonly newHash?: string;
  /** Set by DynamoDB for its own deletions (TTL): `dynamodb.amazonaws.com`. */
  readonly principal?: string;
}

export interface TamperWatch {
  /** Finds the table's stream and starts polling it from now on; resolves with the status. */
  start(): Promise<TamperWatchStatus>;
  stop(): void;
  status(): TamperWatchStatus;
  /** One polling round over every open shard (the loop calls it; tests call it directly). */
  poll(): Promise<void>;
}

export interface TamperWatchDeps {
  /** DescribeTable on Lifeboat's table (for its LatestStreamArn). */
  readonly documents: Pick<DynamoDBDocumentClient, 'send'>;
  readonly streams: Pick<DynamoDBStreamsClient, 'send'>;
  readonly tableName: string;
  /** Called once per polling round with every tampering seen in it (so a mass deletion is one alert). */
  readonly onTamper: (events: readonly TamperEvent[]) => Promise<void>;
  readonly logger: Logger;
  readonly now: () => number;
  /** Between polling rounds (default 1 s; DynamoDB Streams allows 5 GetRecords per shard per second). */
  readonly pollMs?: number;
  /** Re-list the stream's shards this often (default 60 s): shards roll over about every 4 hours. */
  readonly rediscoverMs?: number;
}

const AUDIT_PREFIX = 'AUDIT#';

/** A watch that is off, with the reason `/dr audit verify` shows (e.g. embedded dynalite has no streams). */
export function tamperWatchOff(reason: string): TamperWatch {
  const status: TamperWatchStatus = { state: 'off', reason };
  return {
    start: async () => status,
    stop: () => undefined,
    status: () => status,
    poll: async () => undefined,
  };
}

/** The entry hash in a stream image: the hash inside a v2 item's `e`, or a v1 item's `hash` attribute. */
function imageHash(image: Record<string, { S?: string }> | undefined): string | undefined {
  const e = image?.e?.S;
  return e !== undefined ? itemHash({ e }) : image?.hash?.S;
}

/** The MODIFY or REMOVE of an audit item in a stream record, if that is what it is. */
export function tamperingIn(record: _Record): TamperEvent | undefined {
  const data = record.dynamodb;
  const pk = data?.Keys?.pk?.S;
  const sk = data?.Keys?.sk?.S;
  if (record.eventName !== 'MODIFY' && record.eventName !== 'REMOVE') return undefined;
  if (pk === undefined || sk === undefined || !pk.startsWith(AUDIT_PREFIX)) return undefined;
  const oldHash = imageHash(data?.OldImage);
  const newHash = imageHash(data?.NewImage);
  const principal = record.userIdentity?.PrincipalId;
  return {
    event: record.eventName,
    pk,
    sk,
    ...(data?.ApproximateCreationDateTime ? { at: data.ApproximateCreationDateTime.toISOString() } : {}),
    sequenceNumber: data?.SequenceNumber ?? '',
    ...(oldHash !== undefined ? { oldHash } : {}),
    ...(newHash !== undefined ? { newHash } : {}),
    ...(principal !== undefined ? { principal } : {}),
  };
}

/**
 * Reads Lifeboat's own table stream (DynamoDB Streams, NEW_AND_OLD_IMAGES) and reports every MODIFY
 * or REMOVE of an `AUDIT#` item: audit items are only ever created, so any such record is tampering
 * (or a bug), whoever did it. Open shards are read from LATEST at start (what happened while no
 * replica watched is for `verify` and the archive); shards that appear later (rollover, children)
 * from TRIM_HORIZON, so nothing between two rounds is missed.
 */
export function createTamperWatch(deps: TamperWatchDeps): TamperWatch {
  const pollMs = deps.pollMs ?? 1_000;
  const rediscoverMs = deps.rediscoverMs ?? 60_000;
  const iterators = new Map<string, string>();
  const lastSequence = new Map<string, string>();
  const known = new Set<string>();
  let status: TamperWatchStatus = { state: 'off', reason: 'not started' };
  let streamArn: string | undefined;
  let discoveredAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const iso = () => new Date(deps.now()).toISOString();

  async function iterator(
    shardId: string,
    type: ShardIteratorType,
    after?: string,
  ): Promise<string | undefined> {
    const res = await deps.streams.send(
      new (sdk.dynamodbStreams().GetShardIteratorCommand)({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : type,
        ...(after ? { SequenceNumber: after } : {}),
      }),
    );
    return res.ShardIterator;
  }

  async function discover(first: boolean): Promise<void> {
    let start: string | undefined;
    do {
      const { StreamDescription } = await deps.streams.send(
        new (sdk.dynamodbStreams().DescribeStreamCommand)({
          StreamArn: streamArn,
          ...(start ? { ExclusiveStartShardId: start } : {}),
        }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (!id || known.has(id)) continue;
        known.add(id);
        const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
        // At start only open shards matter (from now on); a shard found later is read from its start.
        if (first && !open) continue;
        const it = await iterator(id, first ? 'LATEST' : 'TRIM_HORIZON');
        if (it) iterators.set(id, it);
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    discoveredAt = deps.now();
  }

  async function readShard(shardId: string, it: string, found: TamperEvent[]): Promise<void> {
    try {
      const res = await deps.streams.send(
        new (sdk.dynamodbStreams().GetRecordsCommand)({ ShardIterator: it, Limit: 1000 }),
      );
      for (const record of res.Records ?? []) {
        const seq = record.dynamodb?.SequenceNumber;
        if (seq) lastSequence.set(shardId, seq);
        const event = tamperingIn(record);
        if (event) found.push(event);
      }
      if (res.NextShardIterator) iterators.set(shardId, res.NextShardIterator);
      else iterators.delete(shardId); // closed: its children are found by the next discovery
    } catch (error) {
      if (error instanceof sdk.dynamodbStreams().ExpiredIteratorException) {
        const fresh = await iterator(shardId, 'TRIM_HORIZON', lastSequence.get(shardId));
        if (fresh) iterators.set(shardId, fresh);
      } else if (error instanceof sdk.dynamodbStreams().TrimmedDataAccessException) {
        const fresh = await iterator(shardId, 'TRIM_HORIZON');
        if (fresh) iterators.set(shardId, fresh);
      } else throw error;
    }
  }

  async function poll(): Promise<void> {
    if (!streamArn) return;
    if (iterators.size === 0 || deps.now() - discoveredAt >= rediscoverMs) await discover(false);
    const found: TamperEvent[] = [];
    for (const [shardId, it] of [...iterators]) await readShard(shardId, it, found);
    if (found.length > 0) await deps.onTamper(found);
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await poll();
        if (status.state !== 'on' && streamArn) status = { state: 'on', streamArn, since: iso() };
        schedule(pollMs);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (status.state !== 'failing' && streamArn) {
          deps.logger.error({ err: error }, 'audit tamper watch: reading the table stream failed');
          status = { state: 'failing', streamArn, reason, since: iso() };
        }
        schedule(Math.min(30_000, pollMs * 10));
      }
    }, delay);
    timer.unref?.();
  }

  return {
    async start() {
      try {
        const { Table } = await deps.documents.send(new DescribeTableCommand({ TableName: deps.tableName }));
        const enabled = Table?.StreamSpecification?.StreamEnabled === true;
        streamArn = Table?.LatestStreamArn;
        if (!enabled || !streamArn) {
          status = { state: 'off', reason: `table ${deps.tableName} has no DynamoDB stream` };
          return status;
        }
        await discover(true);
        status = { state: 'on', streamArn, since: iso() };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        deps.logger.error({ err: error }, 'audit tamper watch could not start');
        status = streamArn ? { state: 'failing', streamArn, reason, since: iso() } : { state: 'off', reason };
        if (!streamArn) return status;
      }
      schedule(pollMs);
      return status;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    status: () => status,
    poll,
  };
}
