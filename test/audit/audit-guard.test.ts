import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeAuditCommand } from '../../handlers/commands/audit.js';
import { createDocumentClient } from '../../src/adapters/store/dynamo.js';
import { s3ArchiveSource } from '../../src/audit/archive-source.js';
import { auditKeys } from '../../src/audit/dynamo-store.js';
import { tamperWatchOff } from '../../src/audit/tamper-watch.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Lifeboat, startLifeboat } from '../../src/main.js';
import {
  createStreamedTable,
  type DynamoDbLocal,
  LOCAL_AWS,
  startDynamoDbLocal,
} from '../helpers/dynamodb-local.js';
import { type FakeSlackApi, startFakeSlackApi } from '../helpers/slack.js';
import { fakeArchiveBucket } from './fake-s3.js';
import { commandContext, startFakeSlack } from './fake-slack.js';
import { startTestTable } from './helpers.js';
import { testPlan } from './plan.js';

const logger = createLogger({ level: 'silent' });

describe('/dr audit verify says what protects the log beyond its chains', () => {
  it('names the archive comparison and the tamper watch state', async () => {
    // Prepare
    const table = await startTestTable();
    const slack = await startFakeSlack();
    const bucket = fakeArchiveBucket();
    try {
      const { createDynamoAuditLog } = await import('../../src/audit/index.js');
      const clock = { now: () => Date.UTC(2026, 10, 20, 9) };
      const audit = createDynamoAuditLog(table.client, table.tableName, { writerId: 'w', clock });
      await audit.append({ type: 'command', actor: 'U0ALICE', details: {} });
      const command = makeAuditCommand({
        audit,
        getPlan: testPlan,
        logger,
        clock,
        archive: s3ArchiveSource({ s3: bucket.s3, bucket: 'archive' }),
        tamperWatch: () => tamperWatchOff('embedded dynalite has no DynamoDB stream').status(),
      });

      // Act
      const run = commandContext(slack.client, 'U0AUDITOR', ['verify']);
      await command(run.ctx);

      // Assert
      const shown = JSON.stringify(run.responses.at(-1));
      expect(shown).toContain('Compared with the S3 archive: 0 sealed days, 0 hourly anchors');
      expect(shown).toContain('Tamper watch: off — embedded dynalite has no DynamoDB stream');
    } finally {
      bucket.restore();
      await slack.close();
      await table.close();
    }
  });
});

describe('Lifeboat on a DynamoDB with streams (DynamoDB Local)', () => {
  let local: DynamoDbLocal;
  let slack: FakeSlackApi;
  let bot: Lifeboat;
  const tableName = 'lifeboat-guard-test';

  beforeAll(async () => {
    local = await startDynamoDbLocal();
    await createStreamedTable(local.endpoint, tableName);
    slack = await startFakeSlackApi();
    const config = parseConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DR_PLAN: 'dr-plan.example.yml',
        DR_TABLE: tableName,
        LOG_LEVEL: 'silent',
        AWS_REGION: LOCAL_AWS.region,
        AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
        AUDIT_ARCHIVE_BUCKET: 'lifeboat-audit-archive',
        AUDIT_ARCHIVE_LOCK: 'COMPLIANCE:365',
      },
      {},
    );
    bot = await startLifeboat({ config, logger, dynamoEndpoint: local.endpoint });
  }, 120_000);
  afterAll(async () => {
    await bot?.close();
    await slack?.close();
    await local?.close();
  });

  it('schedules the hourly anchor and the daily archive when a bucket is configured', async () => {
    const jobs = await bot.scheduler.status();
    expect(jobs.find((j) => j.name === 'audit-anchor')?.description).toContain('S3 archive');
    expect(jobs.find((j) => j.name === 'audit-seal')?.description).toContain('S3 archive');
  });

  it('alerts the operators’ channel and records audit.tampered when an audit item is overwritten', async () => {
    // Prepare
    await vi.waitFor(() => expect(bot.tamperWatch.status()).toMatchObject({ state: 'on' }), {
      timeout: 30_000,
    });
    const entry = await bot.audit.append({
      type: 'command',
      actor: 'U0ALICE',
      details: { text: '/dr status' },
    });
    const documents = createDocumentClient({ endpoint: local.endpoint, region: LOCAL_AWS.region });
    try {
      const key = auditKeys.entry(entry.day, entry.shard, entry.seq);
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: key }));

      // Act: the bot's own role could do this (PutItem cannot be conditioned away by IAM).
      await documents.send(new PutCommand({ TableName: tableName, Item: { ...Item, actor: 'U0MALLORY' } }));

      // Assert
      await vi.waitFor(
        () => {
          const post = slack.calls.find(
            (c) =>
              c.method === 'chat.postMessage' &&
              decodeURIComponent(c.body.replaceAll('+', ' ')).includes('Security alert'),
          );
          expect(post?.body).toContain('C0DROPS');
        },
        { timeout: 30_000, interval: 200 },
      );
      const tampered: AuditEntry[] = [];
      await vi.waitFor(
        async () => {
          tampered.length = 0;
          for await (const e of bot.audit.query()) if (e.type === 'audit.tampered') tampered.push(e);
          expect(tampered).toHaveLength(1);
        },
        { timeout: 10_000 },
      );
      expect(tampered[0]?.details).toMatchObject({ count: 1, modified: 1, removed: 0 });
    } finally {
      documents.destroy();
    }
  }, 90_000);
});
