/**
 * A runbook runner in its own process, for the SIGKILL test: its SDK clients forward every command to
 * the parent (which owns the simulated cloud) and its state lives in the parent's dynalite.
 * Usage: node --import tsx test/runbook/child-runner.ts '<json config>'
 */
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { createDocumentClient } from '../../src/adapters/store/dynamo.js';
import { createStores } from '../../src/adapters/store/index.js';
import { createAuditLog, createMemoryAuditStore } from '../../src/audit/index.js';
import { createLogger } from '../../src/logger.js';
import { createRunbookRunner } from '../../src/runbook/index.js';
import { attachClient } from '../../src/sandbox/aws/attach.js';
import { awsError, type ServiceKey } from '../../src/sandbox/aws/errors.js';
import { examplePlan } from './plan.js';
import type { RpcReply } from './rpc.js';

interface ChildConfig {
  readonly rpcUrl: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly executionId: string;
  readonly clockOffsetMs: number;
  readonly leaseTtlMs?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const clock = { now: () => Date.now() + config.clockOffsetMs };
const aws = createAwsClients({
  maxAttempts: 1,
  onClient: (client, region) =>
    attachClient(client, region, async (call) => {
      const res = await fetch(config.rpcUrl, { method: 'POST', body: JSON.stringify(call) });
      const reply = (await res.json()) as RpcReply;
      if ('error' in reply)
        throw awsError(call.service as ServiceKey, reply.error.name, reply.error.message, reply.error.status);
      return reply.output;
    }),
});
const documents = createDocumentClient({ endpoint: config.dynamoEndpoint, region: 'us-east-1' });
const plan = examplePlan();
const runner = createRunbookRunner({
  stores: createStores(documents, config.tableName, clock),
  aws,
  getPlan: () => plan,
  clock,
  audit: createAuditLog(createMemoryAuditStore(), { writerId: 'child', clock }),
  logger: createLogger({ level: 'silent' }),
  instanceId: randomUUID(),
  onChange: async () => undefined,
  pollIntervalMs: 5,
  leaseTtlMs: config.leaseTtlMs ?? 60_000,
});
const done = await runner.run(config.executionId);
process.stdout.write(`${JSON.stringify({ state: done.state })}\n`);
aws.destroy();
documents.destroy();
