import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach } from 'vitest';
import { createDocumentClient, ensureTable, startEmbeddedDynamo } from '../../src/adapters/store/dynamo.js';
import { createStores } from '../../src/adapters/store/index.js';
import type { ApproverDirectory } from '../../src/approval/approvers.js';
import { createDynamoAuditLog } from '../../src/audit/index.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { createDrillEngine, type DrillEngineDeps } from '../../src/drills/engine.js';
import { createMeasuredDurations } from '../../src/drills/measured.js';
import { createDrillRequests } from '../../src/drills/requests.js';
import { createDrillStores } from '../../src/drills/store.js';
import { createLogger } from '../../src/logger.js';
import { loadPlanFile, type Plan } from '../../src/plan/load.js';
import { simulatedCloud } from '../sandbox/aws-fixture.js';

export interface SimCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly outcome: string;
  readonly input: Record<string, unknown>;
}

/** Approvers as listed in the plan (user groups are not resolved here). */
export const planApprovers: ApproverDirectory = {
  isApprover: async (plan, service, userId) =>
    plan.services[service]?.approvers.users.includes(userId) ?? false,
};

/**
 * The drill domain against the simulated cloud (manual clock, realistic durations) and embedded DynamoDB.
 * `sleep` advances the clock, so a whole drill runs in a few hundred milliseconds, deterministically.
 */
export async function drillWorld(options: { plan?: Plan; engine?: Partial<DrillEngineDeps> } = {}) {
  const sim = await simulatedCloud();
  const plan = options.plan ?? (await loadPlanFile('dr-plan.example.yml'));
  const dynamo = await startEmbeddedDynamo();
  const documents = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-west-2' });
  await ensureTable(documents, 'lifeboat-drills');
  const stores = createStores(documents, 'lifeboat-drills', sim.clock);
  const drillStores = createDrillStores(documents, 'lifeboat-drills', sim.clock);
  const audit = createDynamoAuditLog(documents, 'lifeboat-drills', { writerId: 'test', clock: sim.clock });
  const logger = createLogger({ level: 'silent' });
  const calls: SimCall[] = [];
  sim.cloud.events.on('call', (c: SimCall) => calls.push(c));
  const getPlan = () => plan;
  const durations = createMeasuredDurations(drillStores, getPlan);
  const engineDeps = (instanceId: string, extra: Partial<DrillEngineDeps> = {}): DrillEngineDeps => ({
    stores: drillStores,
    leases: stores.leases,
    aws: sim.aws,
    getPlan,
    clock: sim.clock,
    audit,
    logger,
    instanceId,
    pollIntervalMs: 15_000,
    sleep: async (ms) => sim.clock.advance(ms),
    ...options.engine,
    ...extra,
  });
  const requests = createDrillRequests({
    stores: drillStores,
    approvals: stores.approvals,
    approvers: planApprovers,
    audit,
    getPlan,
    clock: sim.clock,
  });
  const auditEntries = async (): Promise<AuditEntry[]> => {
    const out: AuditEntry[] = [];
    for await (const e of audit.query({ since: 0, until: sim.clock.now() + 1 })) out.push(e);
    return out;
  };
  /** Writes recent data in the primary Region and lets it replicate, as production traffic would. */
  const writeRecentData = async () => {
    const t = sim.clock.now();
    await sim.east.s3.send(
      new PutObjectCommand({
        Bucket: 'payments-receipts-use1',
        Key: 'receipts/0001.json',
        Body: '{"amount":12}',
      }),
    );
    await sim.east.dynamodb.send(
      new PutItemCommand({
        TableName: 'payments-ledger',
        Item: { pk: { S: 'lifeboat-canary/payments' }, lifeboatCanaryAt: { N: String(t) } },
      }),
    );
    sim.clock.advance(20_000);
    await sim.cloud.tick();
  };
  return {
    ...sim,
    plan,
    documents,
    stores,
    drillStores,
    audit,
    logger,
    calls,
    durations,
    requests,
    engine: (instanceId = 'replica-a', extra: Partial<DrillEngineDeps> = {}) =>
      createDrillEngine(engineDeps(instanceId, extra)),
    auditEntries,
    writeRecentData,
    async close() {
      documents.destroy();
      await dynamo.close();
      await sim.close();
    },
  };
}

export type DrillWorld = Awaited<ReturnType<typeof drillWorld>>;

const READ_ONLY = /^(Describe|List|Get|Head)/;
export const isMutating = (c: SimCall) => !READ_ONLY.test(c.operation);

/** A fresh drill world per test, closed after it: `const world = await worlds.start()`. */
export function drillWorldPerTest(): {
  start(options?: Parameters<typeof drillWorld>[0]): Promise<DrillWorld>;
} {
  let world: DrillWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  return {
    async start(options) {
      world = await drillWorld(options);
      return world;
    },
  };
}
