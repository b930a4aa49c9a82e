import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createAwsClients } from '../src/adapters/aws/clients.js';
import { createDocumentClient, ensureTable, startEmbeddedDynamo } from '../src/adapters/store/dynamo.js';
import { createStores } from '../src/adapters/store/index.js';
import { createAuditLog, createMemoryAuditStore } from '../src/audit/index.js';
import { systemClock } from '../src/domain/clock.js';
import type { ExecutionRecord } from '../src/domain/records.js';
import { createLogger } from '../src/logger.js';
import { parsePlan } from '../src/plan/load.js';
import { createRunbookRunner } from '../src/runbook/index.js';
import { DURATIONS } from '../src/sandbox/aws/durations.js';
import { createSimulatedCloud } from '../src/sandbox/aws/index.js';
import type { BenchResult } from './types.js';

const TIME_SCALE = 300;
const RUNS = 3;
const POLL_MS = 10;

/**
 * Orchestration overhead of the runbook engine: the payments failover of dr-plan.example.yml against
 * the simulated cloud (sped up TIME_SCALE times) with state in dynalite. Overhead = wall time minus the
 * critical path of the simulated operations (Aurora switchover, then EC2 launch, then the Route 53
 * health check flip), both in clock milliseconds. Median of RUNS runs.
 */
export default async function run(): Promise<BenchResult[]> {
  const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');
  const dynamo = await startEmbeddedDynamo();
  const documents = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  const criticalMs = (DURATIONS.auroraSwitchover + DURATIONS.ec2Pending + DURATIONS.healthFlip) / TIME_SCALE;
  const overheads: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const cloud = await createSimulatedCloud({ plan, timeScale: TIME_SCALE, tickIntervalMs: 0 });
      const aws = createAwsClients({ onClient: cloud.attach });
      const tableName = `bench-runbook-${randomUUID()}`;
      await ensureTable(documents, tableName);
      const stores = createStores(documents, tableName, systemClock);
      const id = randomUUID();
      const now = Date.now();
      const record: ExecutionRecord = {
        id,
        service: 'payments',
        kind: 'failover',
        mode: 'planned',
        state: 'approved',
        requestedBy: 'U0ALICE',
        reason: 'bench',
        planHash: plan.hash,
        createdAtMs: now,
        updatedAtMs: now,
        steps: {},
      };
      await stores.executions.create(id, record);
      const runner = createRunbookRunner({
        stores,
        aws,
        getPlan: () => plan,
        clock: systemClock,
        audit: createAuditLog(createMemoryAuditStore(), { writerId: 'bench', clock: systemClock }),
        logger: createLogger({ level: 'silent' }),
        instanceId: 'bench',
        onChange: async () => undefined,
        pollIntervalMs: POLL_MS,
      });
      const started = performance.now();
      const done = await runner.run(id);
      const wall = performance.now() - started;
      if (done.state !== 'completed')
        throw new Error(`run ${i} ended ${done.state}: ${done.lastError ?? ''}`);
      overheads.push(wall - criticalMs);
      aws.destroy();
      await cloud.close();
    }
  } finally {
    documents.destroy();
    await dynamo.close();
  }
  const median = [...overheads].sort((a, b) => a - b)[Math.floor(overheads.length / 2)] ?? Number.NaN;
  return [
    {
      name: `runbook: payments failover (7 steps), overhead beyond ${Math.round(criticalMs)} ms of simulated operations`,
      value: Math.round(median),
      unit: 'ms',
      baseline: 1_000,
      ratio: median / 1_000,
      target: '≤ 1 s of orchestration overhead',
      pass: median <= 1_000,
    },
  ];
}
