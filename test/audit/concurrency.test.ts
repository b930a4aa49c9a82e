import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/audit/chain.js';
import { createDynamoAuditStore } from '../../src/audit/dynamo-store.js';
import { createAuditLog } from '../../src/audit/log.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { startTestTable, type TestTable } from './helpers.js';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/append-worker.ts', import.meta.url));

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.close();
});

interface Worker {
  readonly ready: Promise<void>;
  readonly done: Promise<{ code: number | null; stderr: string }>;
  go(): void;
}

function startWorker(writer: string, count: number, startMs: number): Worker {
  const child = spawn(
    TSX,
    [WORKER, table.dynamo.endpoint, table.tableName, writer, String(count), String(startMs)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.on('error', reject);
    child.on('close', () => reject(new Error(`worker ${writer} exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

describe('concurrent appends from two processes', () => {
  it('keep one valid chain with every entry exactly once', async () => {
    // Prepare: both processes share the single shard, so they contend for every sequence number.
    const start = Date.UTC(2032, 2, 3, 10);
    const count = 60;

    // Act
    const workers = [startWorker('proc-a', count, start), startWorker('proc-b', count, start)];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const results = await Promise.all(workers.map((w) => w.done));

    // Assert
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0]);
    const log = createAuditLog(createDynamoAuditStore(table.client, table.tableName), {
      writerId: 'reader',
      clock: { now: () => start },
    });
    const range = {
      since: Date.parse(`${dayOf(start)}T00:00:00Z`),
      until: Date.parse(`${dayOf(start)}T00:00:00Z`) + 86_400_000,
    };
    const entries: AuditEntry[] = [];
    for await (const e of log.query(range)) entries.push(e);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
    for (const writer of ['proc-a', 'proc-b']) {
      const mine = entries.filter((e) => e.writer === writer).map((e) => e.details.i);
      expect(mine).toEqual(Array.from({ length: count }, (_, i) => i));
    }
    expect(await log.verify(range)).toMatchObject({ ok: true, entries: 2 * count, chains: 1 });
  });
});
