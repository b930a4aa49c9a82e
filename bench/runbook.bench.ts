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
import { approvalRun, MIN_ROUND_TRIPS } from './approval-start.js';
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
    ...(await approvalFigures()),
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

/** Issue 19: the second approval click to the runbook's first mutating AWS call, p50/p99 of several runs. */
async function approvalFigures(): Promise<BenchResult[]> {
  const runs = [];
  for (let i = 0; i < Number(process.env.LIFEBOAT_APPROVAL_RUNS ?? 5); i++) {
    const run = await approvalRun();
    process.stderr.write(`approval run ${i + 1}: ${JSON.stringify(run)}\n`);
    runs.push(run);
  }
  const pick = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
  const ms = runs.map((r) => r.ms);
  const bound = pick(
    runs.map((r) => r.lowerBoundMs),
    0.5,
  );
  const p50 = pick(ms, 0.5);
  const p99 = pick(ms, 0.99);
  process.stderr.write(
    `approval: DynamoDB requests per run ${runs.map((r) => r.dynamoRequests).join(', ')}; Slack calls ${runs.map((r) => r.slackCalls).join(', ')}; before/during/after the approval's measurement ${runs.map((r) => r.dynamoSplit.join('/')).join(', ')}; the approval's measurement ${runs.map((r) => Math.round(r.measureMs)).join(', ')} ms, the rest ${runs.map((r) => Math.round(r.outsideMs)).join(', ')} ms; fresh readiness ${runs.map((r) => Math.round(r.readinessMs)).join(', ')} ms; DynamoDB round trip ${runs.map((r) => r.roundTripMs.toFixed(1)).join(', ')} ms; load ${runs.map((r) => r.load.toFixed(1)).join(', ')}\n`,
  );
  const figure = (name: string, value: number): BenchResult => ({
    name,
    value: Math.round(value),
    unit: 'ms',
    baseline: Math.round(bound),
    ratio: value / bound,
    target: '≤ 300 ms',
    pass: value <= 300,
  });
  return [
    figure(
      `approval: second click to first mutating call, p50 of ${runs.length} (baseline: fresh readiness + ${MIN_ROUND_TRIPS} DynamoDB round trips, same runs)`,
      p50,
    ),
    figure(`approval: second click to first mutating call, p99 of ${runs.length}`, p99),
  ];
}
