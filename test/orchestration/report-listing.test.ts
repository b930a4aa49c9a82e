import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeReportCommand } from '../../handlers/commands/report.js';
import { createAuditLog } from '../../src/audit/log.js';
import { createMemoryAuditStore } from '../../src/audit/memory-store.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { sha256 } from '../../src/report/hash.js';
import { listRecoveryReports } from '../../src/report/listing.js';
import type { ArchivedReport } from '../../src/report/store.js';
import { commandContext, type FakeSlack, startFakeSlack } from '../audit/fake-slack.js';
import { testPlan } from '../audit/plan.js';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);
const body = (id: string, v: number) => `# Recovery report ${id} v${v}\n`;

describe('/dr report lists the recovery reports', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  const setup = async () => {
    const clock = manualClock(T0);
    const audit = createAuditLog(createMemoryAuditStore(), { writerId: 'test', clock });
    const archived = new Map<string, ArchivedReport>();
    const report = async (executionId: string, version: number, details: Record<string, unknown>) => {
      const text = body(executionId, version);
      archived.set(`${executionId}#${version}`, {
        executionId,
        service: 'payments',
        version,
        filename: `lifeboat-recovery-payments-failover-${executionId}.md`,
        body: text,
        sha256: sha256(text),
        createdAtMs: clock.now(),
      });
      await audit.append({
        type: 'report.recovery',
        actor: 'lifeboat',
        service: 'payments',
        executionId,
        details: {
          version,
          filename: `lifeboat-recovery-payments-failover-${executionId}${version > 1 ? `-v${version}` : ''}.md`,
          sha256: sha256(text),
          kind: 'failover',
          outcome: 'completed',
          recoveryMs: null,
          dataLossMs: 4_000,
          healthPending: true,
          ...(details as Record<string, number | boolean | null>),
        },
      });
      clock.advance(60_000);
    };
    await report('exec-a', 1, {});
    await report('exec-a', 2, { recoveryMs: 6 * 60_000, healthPending: false });
    await report('exec-b', 1, { recoveryMs: 3 * 60_000, healthPending: false, dataLossMs: 0 });
    return { clock, audit, archived };
  };

  it('keeps the newest version of each execution, newest first', async () => {
    const { audit } = await setup();
    const entries: AuditEntry[] = [];
    for await (const e of audit.query()) entries.push(e);
    expect(listRecoveryReports(entries).map((r) => [r.executionId, r.version, r.recoveryMs])).toEqual([
      ['exec-b', 1, 3 * 60_000],
      ['exec-a', 2, 6 * 60_000],
    ]);
  });

  it('answers with the reports, each archive hashed again: a changed archive is named', async () => {
    const { clock, audit, archived } = await setup();
    const tampered = archived.get('exec-b#1') as ArchivedReport;
    archived.set('exec-b#1', { ...tampered, body: `${tampered.body}edited by hand\n` });
    clock.advance(60_000);
    const command = makeReportCommand({
      audit,
      getPlan: testPlan,
      logger: createLogger({ level: 'silent' }),
      clock,
      recoveryReports: { get: async (id, v) => archived.get(`${id}#${v}`) },
    });
    const { ctx, responses } = commandContext(slack.client, 'U0AUDITOR', ['--period', '7d']);

    await command(ctx);

    const shown = JSON.stringify(responses.at(-1));
    expect(shown).toContain('*Recovery reports*');
    expect(shown).toContain(
      'payments failover: recovered in 6 min, data loss ≤ 4 s; lifeboat-recovery-payments-failover-exec-a-v2.md (v2); archive matches the audit log',
    );
    expect(shown).toContain('payments failover: recovered in 3 min, data loss ≤ 0 ms');
    expect(shown).toContain('ARCHIVE CHANGED: its hash differs from the audit log');
    expect(slack.uploads[0]?.content).toContain('## Recovery reports');
    expect(slack.uploads[0]?.content).toContain(`SHA-256 ${sha256(body('exec-a', 2))}`);
  });
});
