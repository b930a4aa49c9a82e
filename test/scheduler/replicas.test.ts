import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '../audit/helpers.js';

const REPLICAS = 3;

function startReplica(
  endpoint: string,
  table: string,
  id: string,
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn('node_modules/.bin/tsx', ['test/scheduler/replica-main.ts', endpoint, table, id], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`replica ${id} exited with ${code}: ${errors}`)));
  });
  return { child, ready };
}

async function query(table: TestTable, pk: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('three bot replicas on one DynamoDB', () => {
  let table: TestTable;
  let runs: Record<string, unknown>[] = [];
  let slots: Record<string, unknown>[] = [];

  beforeAll(async () => {
    table = await startTestTable('lifeboat-replicas-test');
    const replicas = Array.from({ length: REPLICAS }, (_, i) =>
      startReplica(table.dynamo.endpoint, table.tableName, `replica-${i + 1}`),
    );
    try {
      await Promise.all(replicas.map((r) => r.ready));
      // Let a few one-second slots pass (the job takes 1.2 s, so some slots are skipped as overlapping):
      // until three runs are recorded, however long a loaded machine takes (the test's timeout bounds it).
      while ((await query(table, 'TEST#RUNS')).length < 3)
        await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      for (const { child } of replicas) if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.all(
        replicas.map(({ child }) => (child.exitCode === null ? once(child, 'exit') : undefined)),
      );
    }
    runs = await query(table, 'TEST#RUNS');
    slots = await query(table, 'SCHED#tick');
  }, 120_000);

  afterAll(async () => {
    await table?.close();
  });

  it('runs each slot exactly once', () => {
    // Assert
    const perSlot = new Map<unknown, number>();
    for (const run of runs) perSlot.set(run.slot, (perSlot.get(run.slot) ?? 0) + 1);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect([...perSlot.values()].every((n) => n === 1)).toBe(true);
  });

  it('never overlaps runs of the same job, whichever replica runs them', () => {
    // Assert
    const sorted = [...runs].sort((a, b) => Number(a.startedAtMs) - Number(b.startedAtMs));
    for (let i = 1; i < sorted.length; i++) {
      expect(Number(sorted[i]?.startedAtMs)).toBeGreaterThanOrEqual(Number(sorted[i - 1]?.finishedAtMs));
    }
  });

  it('records every slot it ran as done, owned by the replica that ran it', () => {
    // Assert
    const finished = slots.filter((s) => s.state === 'done');
    const ranSlots = new Set(runs.map((r) => r.slot));
    expect(new Set(finished.map((s) => s.slot))).toEqual(ranSlots);
    for (const run of runs) {
      expect(finished.find((s) => s.slot === run.slot)?.owner).toBe(run.replica);
    }
  });
});
