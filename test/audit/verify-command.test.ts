import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAuditCommand } from '../../handlers/commands/audit.js';
import { dayOf } from '../../src/audit/chain.js';
import { createDynamoAuditStore } from '../../src/audit/dynamo-store.js';
import { createAuditLog } from '../../src/audit/log.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { manualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { commandContext, type FakeSlack, startFakeSlack } from './fake-slack.js';
import { startTestTable, type TestTable, tamper } from './helpers.js';
import { testPlan } from './plan.js';

let table: TestTable;
let slack: FakeSlack;
beforeAll(async () => {
  table = await startTestTable();
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
  await table.close();
});

describe('/dr audit verify', () => {
  it('reports an intact log, then names the first broken link after tampering, and records each run', async () => {
    // Prepare
    const clock = manualClock(Date.UTC(2026, 10, 20, 9));
    const audit = createAuditLog(createDynamoAuditStore(table.client, table.tableName), {
      writerId: 'w',
      clock,
      shards: 1,
    });
    for (let i = 0; i < 4; i++) {
      await audit.append({ type: 'command', actor: 'U0ALICE', details: { i } });
      clock.advance(1_000);
    }
    const command = makeAuditCommand({
      audit,
      getPlan: testPlan,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    const day = dayOf(clock.now());

    // Act
    const clean = commandContext(slack.client, 'U0AUDITOR', ['verify', '--since', day]);
    await command(clean.ctx);
    await tamper(table).remove(day, 0, 2);
    const broken = commandContext(slack.client, 'U0AUDITOR', ['verify', '--since', day]);
    await command(broken.ctx);

    // Assert
    expect(clean.responses.at(-1)?.text).toContain('Audit log intact: 4 entries in 1 chain over 1 day');
    expect(broken.responses.at(-1)?.text).toContain(`missing-sequence at ${day}/0/2`);
    expect(broken.responses.at(-1)?.replace_original).toBe(true);
    const verified: AuditEntry[] = [];
    for await (const e of audit.query()) if (e.type === 'audit.verified') verified.push(e);
    expect(verified.map((e) => e.details.ok)).toEqual([true, false]);
  });

  it('refuses a non-auditor and records the refusal', async () => {
    // Prepare
    const clock = manualClock(Date.UTC(2026, 10, 25, 9));
    const audit = createAuditLog(createDynamoAuditStore(table.client, table.tableName), {
      writerId: 'w',
      clock,
    });
    const command = makeAuditCommand({
      audit,
      getPlan: testPlan,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    const { ctx, responses } = commandContext(slack.client, 'U0MALLORY', ['verify']);

    // Act
    await command(ctx);

    // Assert
    expect(responses[0]?.text).toContain('can verify the audit log');
    const refused: AuditEntry[] = [];
    for await (const e of audit.query({ since: clock.now() - 1 }))
      if (e.type === 'auth.refused') refused.push(e);
    expect(refused[0]).toMatchObject({ actor: 'U0MALLORY', details: { command: 'audit verify' } });
  });
});
