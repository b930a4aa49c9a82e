import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type AnyClient, type AwsClients, createAwsClients } from '../../src/adapters/aws/clients.js';
import {
  createDocumentClient,
  type EmbeddedDynamo,
  ensureTable,
  startEmbeddedDynamo,
} from '../../src/adapters/store/dynamo.js';
import { createStores, type Stores } from '../../src/adapters/store/index.js';
import { createAuditLog, createMemoryAuditStore } from '../../src/audit/index.js';
import type { AuditEntry, AuditLog } from '../../src/audit/types.js';
import { type Clock, systemClock } from '../../src/domain/clock.js';
import type { ExecutionRecord } from '../../src/domain/records.js';
import { createLogger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import { createDynamoActiveIndex } from '../../src/runbook/active-index.js';
import { createRunbookRunner, type Execution, type RunbookDeps } from '../../src/runbook/index.js';
import { createSimulatedCloud, type SimulatedCloud } from '../../src/sandbox/aws/index.js';
import { sharedIdentity } from '../sandbox/aws-fixture.js';
import { examplePlan } from './plan.js';

export { examplePlan };

/** Read-only operation names (what a dry run may send). */
export const READ = /^(Describe|Get|List|Head)/;

export interface SimCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly outcome: string;
}

/** dynalite (one per file) and a table per test. */
export async function startState(): Promise<{
  dynamo: EmbeddedDynamo;
  documents: DynamoDBDocumentClient;
  close(): Promise<void>;
}> {
  const dynamo = await startEmbeddedDynamo();
  const documents = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  return {
    dynamo,
    documents,
    async close() {
      documents.destroy();
      await dynamo.close();
    },
  };
}

export interface World {
  readonly plan: Plan;
  readonly cloud: SimulatedCloud;
  readonly aws: AwsClients;
  readonly stores: Stores;
  readonly audit: AuditLog;
  readonly tableName: string;
  readonly calls: SimCall[];
  readonly changes: Execution[];
  /** Mutating calls that succeeded, as `service:Operation`. */
  mutations(): string[];
  auditEntries(): Promise<AuditEntry[]>;
  deps(overrides?: Partial<RunbookDeps>): RunbookDeps;
  /** An execution as the Slack side leaves it once approved. */
  approve(service: string, mode?: 'planned' | 'unplanned', id?: string): Promise<Execution>;
  close(): Promise<void>;
}

/** The simulated cloud on the system clock, sped up, plus stores on a fresh table. */
export async function startWorld(
  state: { documents: DynamoDBDocumentClient },
  options: {
    plan?: Plan;
    timeScale?: number;
    clock?: Clock;
    onClient?: (client: AnyClient, region: string) => void;
  } = {},
): Promise<World> {
  const plan = options.plan ?? examplePlan();
  const clock = options.clock ?? systemClock;
  const cloud = await createSimulatedCloud({
    plan,
    timeScale: options.timeScale ?? 2_000,
    tickIntervalMs: 0,
    signingIdentity: await sharedIdentity(),
  });
  const calls: SimCall[] = [];
  cloud.events.on('call', (c: SimCall) => calls.push(c));
  const aws = createAwsClients({
    maxAttempts: 2,
    onClient: (client, region, assumed) => {
      cloud.attach(client, region, assumed);
      options.onClient?.(client, region);
    },
  });
  const tableName = `runbook-${randomUUID()}`;
  await ensureTable(state.documents, tableName);
  const stores = createStores(state.documents, tableName, clock);
  const audit = createAuditLog(createMemoryAuditStore(), { writerId: 'test', clock });
  const changes: Execution[] = [];
  const logger = createLogger({ level: 'silent' });
  return {
    plan,
    cloud,
    aws,
    stores,
    audit,
    tableName,
    calls,
    changes,
    mutations: () =>
      calls
        .filter((c) => c.outcome === 'ok' && !READ.test(c.operation))
        .map((c) => `${c.service}:${c.operation}`),
    async auditEntries() {
      const out: AuditEntry[] = [];
      for await (const entry of audit.query()) out.push(entry);
      return out;
    },
    deps: (overrides = {}) => ({
      stores,
      aws,
      getPlan: () => plan,
      clock,
      audit,
      logger,
      instanceId: randomUUID(),
      onChange: async (e) => void changes.push(e),
      pollIntervalMs: 5,
      leaseTtlMs: 5_000,
      activeIndex: createDynamoActiveIndex(state.documents, tableName),
      ...overrides,
    }),
    async approve(service, mode = 'planned', id = randomUUID()) {
      const now = clock.now();
      const record: ExecutionRecord = {
        id,
        service,
        kind: 'failover',
        mode,
        state: 'approved',
        requestedBy: 'U0ALICE',
        reason: 'test',
        planHash: plan.hash,
        createdAtMs: now,
        updatedAtMs: now,
        steps: {},
      };
      return stores.executions.create(id, record);
    },
    async close() {
      aws.destroy();
      await cloud.close();
    },
  };
}

/**
 * The lifecycle most runbook tests share: dynalite for the whole file (`startState`), and `start()` for a
 * fresh world that is closed after the test.
 */
export function worldPerTest(): {
  start(options?: Parameters<typeof startWorld>[1]): Promise<World>;
  /** The file's dynalite and table (inside a test). */
  readonly state: Awaited<ReturnType<typeof startState>>;
} {
  let state: Awaited<ReturnType<typeof startState>> | undefined;
  let world: World | undefined;
  beforeAll(async () => {
    state = await startState();
  });
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  afterAll(async () => {
    await state?.close();
  });
  return {
    async start(options) {
      if (!state) throw new Error('worldPerTest: start() runs inside a test, after beforeAll');
      world = await startWorld(state, options);
      return world;
    },
    get state() {
      if (!state) throw new Error('worldPerTest: state is there inside a test, after beforeAll');
      return state;
    },
  };
}

export const runner = (world: World, overrides: Partial<RunbookDeps> = {}) =>
  createRunbookRunner(world.deps(overrides));
