import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAuditCommand } from '../../handlers/commands/audit.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import type { AuditEntry, AuditLog } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { commandContext, type FakeSlack, startFakeSlack } from './fake-slack.js';
import { testPlan } from './plan.js';

const START = Date.UTC(2026, 10, 20, 9, 0, 0);
let slack: FakeSlack;
let clock: ReturnType<typeof manualClock>;
let audit: AuditLog;

beforeEach(async () => {
  slack = await startFakeSlack({ usergroups: { S0SRELEADS: ['U0LEAD'] } });
  clock = manualClock(START);
  audit = createAuditLog(createMemoryAuditStore(), { writerId: 'test', clock });
});
afterEach(async () => {
  await slack.close();
});

const command = (progressEvery?: number) =>
  makeAuditCommand({
    audit,
    getPlan: testPlan,
    logger: createLogger({ level: 'silent' }),
    clock,
    ...(progressEvery ? { progressEvery } : {}),
  });

async function seed(): Promise<void> {
  await audit.append({
    type: 'command',
    actor: 'U0ALICE',
    service: 'payments',
    details: { text: '/dr status payments' },
  });
  clock.advance(60_000);
  await audit.append({
    type: 'request.created',
    actor: 'U0ALICE',
    service: 'payments',
    details: { kind: 'failover', note: '=HYPERLINK("http://evil")' },
  });
  clock.advance(60_000);
  await audit.append({
    type: 'alarm.received',
    actor: 'aws',
    service: 'search',
    details: { alarm: 'search-5xx, "high"\nline two' },
  });
  clock.advance(60_000);
}

async function all(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of audit.query()) out.push(e);
  return out;
}

describe('/dr audit export', () => {
  it('uploads a CSV of the range to the requester and reports its count and sha256', async () => {
    // Prepare
    await seed();
    const { ctx, responses } = commandContext(slack.client, 'U0AUDITOR', ['export', '--since', '1d']);

    // Act
    await command()(ctx);

    // Assert
    expect(slack.uploads).toHaveLength(1);
    const file = slack.uploads[0];
    const lines = (file?.content ?? '').split('\r\n');
    expect(lines[0]).toBe(
      'id,at,type,actor,service,executionId,channel,details,writer,day,shard,seq,prevHash,hash',
    );
    expect(lines).toHaveLength(5); // header, 3 rows, trailing empty string after the last CRLF
    expect(lines[2]).toContain(`"{""kind"":""failover"",""note"":""=HYPERLINK(\\""http://evil\\"")""}"`);
    expect(file?.completed?.channel_id).toBe('DU0AUDITOR');
    const sha = createHash('sha256')
      .update(file?.content ?? '')
      .digest('hex');
    expect(file?.completed?.initial_comment).toContain(sha);
    const last = responses.at(-1);
    expect(last).toMatchObject({ replace_original: true });
    expect(last?.text).toContain('Exported 3 audit entries');
    expect(last?.text).toContain(sha);
    const exported = (await all()).filter((e) => e.type === 'audit.exported');
    expect(exported).toHaveLength(1);
    expect(exported[0]?.details).toMatchObject({ count: 3, sha256: sha, format: 'csv', uploaded: true });
  });

  it('exports JSON Lines filtered by service, with progress updates that replace the original message', async () => {
    // Prepare
    await seed();
    await audit.append({ type: 'command', actor: 'U0BOB', service: 'payments' });
    clock.advance(1_000);
    const { ctx, responses } = commandContext(slack.client, 'U0ALICE', [
      'export',
      '--service',
      'payments',
      '--format=json',
    ]);

    // Act
    await command(1)(ctx);

    // Assert
    const rows = (slack.uploads[0]?.content ?? '')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(rows.map((r) => r.type)).toEqual(['command', 'request.created', 'command']);
    expect(rows.every((r) => r.service === 'payments')).toBe(true);
    expect(slack.uploads[0]?.filename).toMatch(/\.jsonl$/);
    const progress = responses.filter((r) => r.text?.includes('so far'));
    expect(progress.length).toBe(3);
    expect(progress.every((r) => r.replace_original === true)).toBe(true);
  });

  it('answers plainly when the range is empty, uploads nothing and still records the export', async () => {
    // Prepare
    await seed();
    const { ctx, responses } = commandContext(slack.client, 'U0AUDITOR', [
      'export',
      '--since',
      '2020-01-01',
      '--until',
      '2020-02-01',
    ]);

    // Act
    await command()(ctx);

    // Assert
    expect(slack.uploads).toHaveLength(0);
    expect(responses.at(-1)?.text).toContain(
      'No audit entries from 2020-01-01T00:00:00.000Z to 2020-02-01T00:00:00.000Z',
    );
    const exported = (await all()).filter((e) => e.type === 'audit.exported');
    expect(exported[0]?.details).toMatchObject({ count: 0, uploaded: false });
  });

  it('refuses a user who is neither auditor nor approver, and records the refusal', async () => {
    // Prepare
    await seed();
    const { ctx, responses } = commandContext(slack.client, 'U0MALLORY', ['export']);

    // Act
    await command()(ctx);

    // Assert
    expect(slack.uploads).toHaveLength(0);
    expect(responses).toHaveLength(1);
    expect(responses[0]?.text).toContain(
      "only the plan's auditors and service approvers can export the audit log",
    );
    const refused = (await all()).filter((e) => e.type === 'auth.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      actor: 'U0MALLORY',
      channel: 'C0PAYMENTS',
      details: { command: 'audit export' },
    });
  });

  it('accepts an approver who is a member of an approver user group', async () => {
    // Prepare
    await seed();
    const { ctx } = commandContext(slack.client, 'U0LEAD', ['export']);

    // Act
    await command()(ctx);

    // Assert
    expect(slack.calls).toContain('usergroups.users.list');
    expect(slack.uploads).toHaveLength(1);
  });

  it.each([
    [['export', '--format', 'xlsx'], '--format: expected one of csv, json'],
    [['export', '--since'], '--since needs a value'],
    [['export', '--sinse', '7d'], 'unknown flag --sinse'],
    [['export', '--since', 'yesterday'], '--since: expected an ISO date'],
    [['export', '--since', '2026-11-02', '--until', '2026-11-01'], '--since must be earlier than --until'],
    [['export', 'payments'], 'unexpected argument "payments"'],
    [['purge'], 'Unknown audit command "purge"'],
  ])('answers %j with the usage message', async (args, problem) => {
    // Prepare
    const { ctx, responses } = commandContext(slack.client, 'U0AUDITOR', args);

    // Act
    await command()(ctx);

    // Assert
    expect(responses).toHaveLength(1);
    expect(responses[0]?.text).toContain(problem);
    expect(responses[0]?.text).toContain('Usage: /dr audit export');
    expect(slack.uploads).toHaveLength(0);
  });
});
