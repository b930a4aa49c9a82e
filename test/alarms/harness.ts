import { WebClient } from '@slack/web-api';
import type { AwsClients } from '../../src/adapters/aws/clients.js';
import {
  createDocumentClient,
  type EmbeddedDynamo,
  ensureTable,
  startEmbeddedDynamo,
} from '../../src/adapters/store/dynamo.js';
import { createStores, type Stores } from '../../src/adapters/store/index.js';
import { createSnsVerifier } from '../../src/alarms/sns-verify.js';
import {
  type AlarmSystem,
  type AlarmSystemDeps,
  type AlarmSystemOptions,
  createAlarmSystem,
} from '../../src/alarms/system.js';
import { createDynamoAuditLog } from '../../src/audit/index.js';
import type { AuditEntry, AuditLog } from '../../src/audit/types.js';
import { type Clock, systemClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import { createSigningIdentity, type SigningIdentity } from '../../src/sandbox/aws/sns-signing.js';
import {
  type EmulatorOptions,
  type SlackEmulator,
  startSlackEmulator,
} from '../../src/sandbox/slack/index.js';

export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms';
export const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
export const BOT_TOKEN = 'xoxb-alarms-test';

const step = '{ id: tell, kind: notify, message: hi }';
export const PLAN_YAML = `version: 1
account: "123456789012"
slack: { unroutedChannel: C0DROPS }
alarmTopics: [${TOPIC}]
services:
  payments:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0PAYMENTS
    approvers: { users: [U0ALICE] }
    runbookUrl: https://wiki.example.com/runbooks/payments
    alarms:
      - pattern: "^payments-"
      - name: payments-db-writer-unavailable
        autoRequestFailover: true
    resources:
      - { id: payments-ledger, kind: dynamodb-global-table, tableName: payments-ledger }
    runbook: { failover: [${step}] }
  accounts:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 5m
    rto: 30m
    channel: C0ACCOUNTS
    approvers: { users: [U0BOB] }
    alarms:
      - name: accounts-*
      - arn: arn:aws:cloudwatch:us-east-1:123456789012:alarm:shared-login-errors
    resources:
      - { id: accounts-sessions, kind: dynamodb-global-table, tableName: accounts-sessions }
    runbook: { failover: [${step}] }
`;

export interface Harness {
  readonly plan: Plan;
  readonly emulator: SlackEmulator;
  readonly stores: Stores;
  readonly audit: AuditLog;
  readonly identity: SigningIdentity;
  readonly documents: ReturnType<typeof createDocumentClient>;
  /** A new alarm system (a replica) on the same table and workspace. */
  system(options?: {
    instanceId?: string;
    options?: AlarmSystemOptions;
    queueUrl?: string;
    aws?: AwsClients;
    clock?: Clock;
    onAlarmRaised?: AlarmSystemDeps['onAlarmRaised'];
    /** The queue's subscriptions use raw message delivery. */
    rawDelivery?: boolean;
    /** Topics allowed besides the plan's (e.g. the deployed intake topic). */
    extraTopics?: readonly string[];
  }): AlarmSystem;
  auditEntries(type: AuditEntry['type']): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function startHarness(
  overrides: { plan?: string; rateLimits?: EmulatorOptions['rateLimits'] } = {},
): Promise<Harness> {
  const plan = parsePlan(overrides.plan ?? PLAN_YAML, 'alarms-test.yml');
  const db: EmbeddedDynamo = await startEmbeddedDynamo();
  const documents = createDocumentClient({ endpoint: db.endpoint, region: 'us-east-1' });
  await ensureTable(documents, 'lifeboat-alarms-test');
  const stores = createStores(documents, 'lifeboat-alarms-test', systemClock);
  const audit = createDynamoAuditLog(documents, 'lifeboat-alarms-test', {
    writerId: 'test',
    clock: systemClock,
  });
  const emulator = await startSlackEmulator({
    users: [
      { id: 'U0ALICE', name: 'alice', realName: 'Alice' },
      { id: 'U0BOB', name: 'bob', realName: 'Bob' },
    ],
    channels: [
      { id: 'C0PAYMENTS', name: 'payments' },
      { id: 'C0ACCOUNTS', name: 'accounts' },
      { id: 'C0DROPS', name: 'drops' },
    ],
    botToken: BOT_TOKEN,
    signingSecret: 'alarms-test-secret',
    botUser: { id: 'U0LIFEBOAT', name: 'lifeboat' },
    rateLimits: overrides.rateLimits ?? false,
  });
  const identity = await createSigningIdentity();
  const logger = createLogger({ level: 'silent' });
  const systems: AlarmSystem[] = [];
  return {
    plan,
    emulator,
    stores,
    audit,
    identity,
    documents,
    system(opts = {}) {
      const chat = new WebClient(BOT_TOKEN, {
        slackApiUrl: emulator.apiUrl,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      }).chat;
      const clock = opts.clock ?? systemClock;
      const system = createAlarmSystem({
        logger,
        clock,
        getPlan: () => plan,
        documents,
        tableName: 'lifeboat-alarms-test',
        incidents: stores.incidents,
        audit,
        chat,
        verifyEnvelope: createSnsVerifier({
          certificates: async () => identity.certificatePem,
          // SNS's hosts, or a simulated cloud on 127.0.0.1 signing with the same identity.
          certHost: /^(sns\.[a-z0-9-]+\.amazonaws\.com|127\.0\.0\.1:\d+)$/,
          maxAgeMs: 15 * 86_400_000,
          now: () => clock.now(),
        }),
        allowedTopics: () => [...plan.alarmTopics, ...(opts.extraTopics ?? [])],
        ...(opts.rawDelivery ? { rawDelivery: true } : {}),
        instanceId: opts.instanceId ?? `replica-${systems.length}`,
        ...(opts.queueUrl ? { queueUrl: opts.queueUrl } : {}),
        ...(opts.aws ? { aws: opts.aws } : {}),
        ...(opts.onAlarmRaised ? { onAlarmRaised: opts.onAlarmRaised } : {}),
        options: {
          outboxLimits: { postPerSecond: 1_000, postBurst: 100, updatePerMinute: 60_000, updateBurst: 100 },
          sweepIntervalMs: 0,
          // Tests apply each notification as it comes (batching.test.ts and pipeline-calls.test.ts cover the gaps).
          batchGapMs: 0,
          stormGapMs: 0,
          ...opts.options,
        },
      });
      systems.push(system);
      return system;
    },
    async auditEntries(type) {
      const out: AuditEntry[] = [];
      for await (const entry of audit.query()) if (entry.type === type) out.push(entry);
      return out;
    },
    async close() {
      for (const s of systems) await s.stop(2_000).catch(() => undefined);
      await emulator.close();
      documents.destroy();
      await db.close();
    },
  };
}
