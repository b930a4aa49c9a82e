import { once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import {
  ConditionalCheckFailedException,
  ListTablesCommand,
  ResourceNotFoundException,
  QueryCommand as TableQueryCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateWatch } from '../../src/adapters/store/call-rate.js';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '../../src/adapters/store/dynamo.js';
import {
  createThreadedDocumentClient,
  rebuildError,
  releaseThread,
  threadOf,
} from '../../src/adapters/store/dynamo-thread.js';
import { createBatcher, describeError } from '../../src/adapters/store/thread-protocol.js';

/** The DynamoDB thread keeps the SDK client's contract: outputs, exception classes, aborts, failure. */
describe('DocumentClient on the DynamoDB thread', () => {
  let dynamo: EmbeddedDynamo;
  let client: ReturnType<typeof createThreadedDocumentClient>;
  const TableName = 'lifeboat-thread';

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    client = createThreadedDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
    await ensureTable(client, TableName);
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('returns outputs with nested data, Sets and binary intact', async () => {
    const Item = {
      pk: 'T#1',
      sk: 'A',
      tags: new Set(['a', 'b']),
      blob: new Uint8Array([1, 2, 3]),
      nested: { list: [1, 'two', { three: true }], empty: null },
    };
    await client.send(new PutCommand({ TableName, Item }));
    const out = await client.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));

    expect(out.Item).toEqual(Item);
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it('carries the table-level Query (the audit bulk read) and returns its attribute values as they are', async () => {
    await client.send(new PutCommand({ TableName, Item: { pk: 'T#AV', sk: 'A', n: 7, s: 'x' } }));
    const out = await client.send(
      new TableQueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'T#AV' } },
      }),
    );
    expect(out.Items).toEqual([{ pk: { S: 'T#AV' }, sk: { S: 'A' }, n: { N: '7' }, s: { S: 'x' } }]);
  });

  it('rejects with the SDK exception class and its fields, so instanceof checks hold', async () => {
    await client.send(new PutCommand({ TableName, Item: { pk: 'T#2', sk: 'A', n: 1 } }));
    const failed = client.send(
      new PutCommand({
        TableName,
        Item: { pk: 'T#2', sk: 'A', n: 2 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    await expect(failed).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const error = (await failed.catch((e: unknown) => e)) as ConditionalCheckFailedException;
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.$fault).toBe('client');
    expect(error.$metadata.httpStatusCode).toBe(400);
    await expect(
      client.send(
        new QueryCommand({
          TableName: 'no-such-table',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'x' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('runs concurrent calls concurrently and answers each its own', async () => {
    const writes = Array.from({ length: 50 }, () =>
      client
        .send(
          new UpdateCommand({
            TableName,
            Key: { pk: 'T#3', sk: 'counter' },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        )
        .then((out) => Number(out.Attributes?.n)),
    );
    const seen = await Promise.all(writes);

    expect(new Set(seen).size).toBe(50);
    expect(Math.max(...seen)).toBe(50);
  });

  it('aborts a call whose signal fires, and refuses one already aborted', async () => {
    const abort = new AbortController();
    const call = client.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }), {
      abortSignal: abort.signal,
    });
    abort.abort();

    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await expect(
      client.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }), {
        abortSignal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a call whose input cannot cross to the thread, and answers the others of its batch', async () => {
    // Same event-loop turn, so both go in one batch.
    const other = client.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    const uncloneable = client.send(
      new PutCommand({ TableName, Item: { pk: 'T#4', sk: 'A', callback: () => undefined } }),
    );

    await expect(uncloneable).rejects.toMatchObject({ name: 'DataCloneError' });
    expect((await other).Item?.sk).toBe('A');
  });

  it('refuses a command it does not carry, naming it', async () => {
    await expect(client.send(new ListTablesCommand({}) as never)).rejects.toThrow(
      /ListTablesCommand does not run on the DynamoDB thread/,
    );
  });

  it('fails calls in flight when destroyed, refuses new ones, and leaves other clients working', async () => {
    const other = createThreadedDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
    await other.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    // A call to an endpoint that never answers stays in flight until the thread is gone.
    const hung = createThreadedDocumentClient({ endpoint: 'http://10.255.255.1:9', region: 'us-east-1' });
    const inFlight = hung.send(new GetCommand({ TableName, Key: { pk: 'x', sk: 'y' } }));
    hung.destroy();

    await expect(inFlight).rejects.toThrow(/destroyed/);
    await expect(hung.send(new GetCommand({ TableName, Key: { pk: 'x', sk: 'y' } }))).rejects.toThrow(
      /destroyed/,
    );
    expect((await other.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }))).Item?.sk).toBe('A');
    other.destroy();
  });

  it('fails the calls in flight when the thread dies, then starts a new thread for the next call', async () => {
    const own = createThreadedDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
    await own.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    const first = threadOf(own);
    const inFlight = own.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    await first?.terminate();

    await expect(inFlight).rejects.toThrow(/DynamoDB thread exited.*outcome is unknown/);
    const again = await own.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    expect(again.Item?.sk).toBe('A');
    expect(threadOf(own)).toBeDefined();
    expect(threadOf(own)).not.toBe(first);
    own.destroy();
  });

  it('deferred: runs the calls in this thread until released and over the rate, then on the thread once loaded', async () => {
    let t = 0;
    const deferred = createThreadedDocumentClient(
      { endpoint: dynamo.endpoint, region: 'us-east-1' },
      { deferred: { callsPerSecond: 3, quietMs: 60_000, now: () => t } },
    );
    const get = () => deferred.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    // The start's calls: any number, no thread.
    for (let i = 0; i < 5; i++) expect((await get()).Item?.sk).toBe('A');
    await expect(
      deferred.send(
        new TableQueryCommand({
          TableName: 'lifeboat-no-such-table',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'x' } },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(threadOf(deferred)).toBeUndefined();

    releaseThread(deferred);
    // 2.5 calls a second, under the rate of 3: still no thread.
    for (; t <= 2_000; t += 400) await get();
    expect(threadOf(deferred)).toBeUndefined();
    // The fourth call within one second starts it, and still runs here (the thread has not loaded).
    t = 4_000;
    for (let i = 0; i < 3; i++) await get();
    expect(threadOf(deferred)).toBeUndefined();
    const answer = get();
    const thread = threadOf(deferred);
    if (!thread) throw new Error('a fourth call in a second started no thread');
    const loaded = once(thread, 'message');
    expect((await answer).Item?.sk).toBe('A');
    expect(await loaded).toEqual([[{ kind: 'loaded' }]]);
    // Loaded: the thread answers, with the same contract.
    const answered = once(thread, 'message');
    expect((await get()).Item?.sk).toBe('A');
    expect(await answered).toEqual([[{ kind: 'ok', id: expect.any(Number), output: expect.anything() }]]);
    releaseThread(deferred);
    expect(threadOf(deferred)).toBe(thread);

    // Quiet for less than quietMs since the last busy call: the thread stays and answers.
    const lastBusy = t;
    t = lastBusy + 59_999;
    const stillThere = once(thread, 'message');
    expect((await get()).Item?.sk).toBe('A');
    expect(await stillThere).toEqual([[{ kind: 'ok', id: expect.any(Number), output: expect.anything() }]]);
    // Quiet for quietMs: the thread stops, and the call runs here.
    t = lastBusy + 60_000;
    const exited = once(thread, 'exit');
    expect((await get()).Item?.sk).toBe('A');
    expect(threadOf(deferred)).toBeUndefined();
    await exited;
    expect((await get()).Item?.sk).toBe('A');
    expect(threadOf(deferred)).toBeUndefined();

    // The next burst starts a new one.
    t += 5_000;
    for (let i = 0; i < 4; i++) await get();
    expect(threadOf(deferred)).toBeDefined();
    expect(threadOf(deferred)).not.toBe(thread);
    deferred.destroy();
  });

  it('deferred: a thread that dies fails its calls in flight; the next calls run here until the rate starts another', async () => {
    const deferred = createThreadedDocumentClient(
      { endpoint: dynamo.endpoint, region: 'us-east-1' },
      { deferred: { callsPerSecond: 0, quietMs: 60_000 } },
    );
    const get = () => deferred.send(new GetCommand({ TableName, Key: { pk: 'T#1', sk: 'A' } }));
    releaseThread(deferred);
    await get();
    const thread = threadOf(deferred);
    if (!thread) throw new Error('no thread');
    await once(thread, 'message');
    const inFlight = get();
    await thread.terminate();

    await expect(inFlight).rejects.toThrow(/DynamoDB thread exited.*outcome is unknown/);
    expect(threadOf(deferred)).toBeUndefined();
    const next = get();
    const successor = threadOf(deferred);
    expect(successor).toBeDefined();
    expect(successor).not.toBe(thread);
    expect((await next).Item?.sk).toBe('A');
    deferred.destroy();
  });

  it('rebuilds unknown errors as plain errors with their name and fields', () => {
    const crossed = describeError(
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }),
    );
    const error = rebuildError(crossed);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'socket hang up', code: 'ECONNRESET' });
  });
});

describe('message batches between the threads', () => {
  it('posts what structured clone accepts, in order, and hands back each message it refuses', async () => {
    const { port1, port2 } = new MessageChannel();
    const received: unknown[] = [];
    port2.on('message', (batch: unknown[]) => received.push(...batch));
    const refused: { message: unknown; error: unknown }[] = [];
    const post = createBatcher<unknown>(
      (batch) => port1.postMessage(batch),
      (message, error) => refused.push({ message, error }),
    );
    const bad = { id: 2, fn: () => undefined };

    post({ id: 1 });
    post(bad);
    post({ id: 3 });
    await expect.poll(() => received.length).toBe(2);
    port1.close();

    expect(received).toEqual([{ id: 1 }, { id: 3 }]);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.message).toBe(bad);
    expect(refused[0]?.error).toMatchObject({ name: 'DataCloneError' });
  });
});

describe('the call rate that starts the DynamoDB thread', () => {
  it('is over its limit on the call that is one more than the limit within the window', () => {
    const watch = createRateWatch(3, 1_000);
    expect([0, 10, 20].map((t) => watch.record(t))).toEqual([false, false, false]);
    expect(watch.record(999)).toBe(true);
    // The window slides: 3 calls ago was t=10, 1,000 ms before.
    expect(watch.record(1_010)).toBe(false);
    expect(createRateWatch(0, 1_000).record(0)).toBe(true);
  });
});
