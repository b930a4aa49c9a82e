import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

async function entriesOf(sandbox: Sandbox, type: AuditEntry['type']): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of sandbox.bot.audit.query()) if (entry.type === type) out.push(entry);
  return out;
}

describe('the sandbox: emulated Slack + simulated AWS + embedded DynamoDB + the real bot', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
  });
  afterAll(() => sandbox?.close());

  it('confirms the bot’s SNS subscription through the real ingress path', () => {
    const topics = sandbox.cloud.snapshot().sns.topics;
    const subscription = topics.flatMap((t) => t.subscriptions).find((s) => s.endpoint.endsWith('/sns'));
    expect(subscription?.confirmed).toBe(true);
  });

  it('routes a slash command from the emulator to the bot over signed HTTP', async () => {
    const result = await sandbox.slack.sendSlashCommand({
      userId: 'U0BOB',
      channelId: 'C0PAYMENTS',
      text: 'plan payments',
    });

    expect(result.status).toBe(200);
    const shown = sandbox.slack.ephemerals('U0BOB').map((m) => m.text);
    expect(shown.some((t) => t.includes('DR plan for payments'))).toBe(true);
  });

  it('delivers a correctly signed SNS notification to /sns when an injected outage trips an alarm', async () => {
    sandbox.cloud.faults.regionOutage('us-east-1');

    await expect
      .poll(async () => (await entriesOf(sandbox, 'alarm.received')).length, {
        timeout: 20_000,
        interval: 200,
      })
      .toBeGreaterThan(0);

    const [received] = await entriesOf(sandbox, 'alarm.received');
    const alarm = JSON.parse(String(received?.details.message)) as { NewStateValue: string; Region: string };
    expect(alarm.NewStateValue).toBe('ALARM');
    expect(alarm.Region).toBe('US East (N. Virginia)');
    expect(await entriesOf(sandbox, 'alarm.rejected')).toEqual([]);
  });

  it("the panel's world lists the alarm that fired as in ALARM, as the card says", async () => {
    const [received] = await entriesOf(sandbox, 'alarm.received');
    const alarm = JSON.parse(String(received?.details.message)) as { AlarmName: string };
    const response = await fetch(new URL('/_sandbox/world', sandbox.url));
    const world = (await response.json()) as {
      alarms: { name: string; state: string }[];
    };
    expect(response.status, JSON.stringify(world).slice(0, 300)).toBe(200);
    expect(world.alarms.find((a) => a.name === alarm.AlarmName)?.state).toBe('ALARM');
  });
});
