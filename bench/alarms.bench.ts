import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, HTTPReceiver } from '@slack/bolt';
import { startSandbox } from '../src/sandbox/index.js';
import { type SlackEmulator, startSlackEmulator } from '../src/sandbox/slack/index.js';
import { defaultRateLimits } from '../src/sandbox/slack/rate-limit.js';
import type { BenchResult } from './types.js';

/**
 * An alarm storm through the real path: the sandbox's simulated SNS signs every notification and
 * POSTs it to the bot's /sns; the bot records, deduplicates and applies it, and talks to the
 * sandbox Slack emulator with its default (Slack-like) rate limits. Default: 10,000 notifications
 * in 60 s over 50 alarms of 5 services. `LIFEBOAT_ALARM_STORM=2000/15` runs 2,000 in 15 s.
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms';
const SERVICES = ['orders', 'billing', 'search', 'profile', 'catalog'];
const ALARMS = 50;

function stormSize(): { count: number; seconds: number } {
  const spec = process.env.LIFEBOAT_ALARM_STORM ?? process.argv.find((a) => /^\d+\/\d+$/.test(a));
  const [count, seconds] = (spec ?? '10000/60').split('/').map(Number);
  return { count: count || 10_000, seconds: seconds || 60 };
}

const cwTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** Alarm `k`'s n-th notification: mostly ALARM (repeats included), OK now and then. */
function notification(k: number, n: number, at: number): { subject: string; message: string } {
  const service = SERVICES[k % SERVICES.length];
  const name = `storm-${service}-${k}`;
  const state = n % 10 < 7 ? 'ALARM' : 'OK';
  const message = JSON.stringify({
    AlarmName: name,
    AlarmDescription: `storm alarm ${k}`,
    AWSAccountId: '123456789012',
    NewStateValue: state,
    NewStateReason: `Threshold Crossed: storm datapoint ${n}`,
    StateChangeTime: cwTime(at),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    Trigger: {
      MetricName: 'Errors',
      Namespace: 'Storm',
      Statistic: 'SUM',
      Dimensions: [{ value: service, name: 'Service' }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1,
      TreatMissingData: 'missing',
    },
  });
  return { subject: `${state}: "${name}" in US East (N. Virginia)`, message };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Times `/dr help` round trips (delivery, ack, answer) through an emulator, every `everyMs`, until `stop`. */
async function sampleHelp(emulator: SlackEmulator, stop: () => boolean, everyMs: number): Promise<number[]> {
  const out: number[] = [];
  while (!stop()) {
    const started = performance.now();
    const res = await emulator.sendSlashCommand({ userId: 'U0ALICE', channelId: 'C0ORDERS', text: 'help' });
    if (res.status === 200) out.push(performance.now() - started);
    await sleep(everyMs);
  }
  return out;
}

/** The baseline: a bare Bolt app that only acks /dr, idle, behind its own emulator. */
async function bareBoltLatencies(samples: number): Promise<number[]> {
  const emulator = await startSlackEmulator({
    users: [{ id: 'U0ALICE', name: 'alice', realName: 'Alice' }],
    channels: [{ id: 'C0ORDERS', name: 'orders' }],
    botToken: 'xoxb-bare',
    signingSecret: 'bare-secret',
    botUser: { id: 'U0BARE', name: 'bare' },
  });
  const receiver = new HTTPReceiver({ signingSecret: 'bare-secret', endpoints: '/slack/events' });
  const app = new App({ token: 'xoxb-bare', receiver, clientOptions: { slackApiUrl: emulator.apiUrl } });
  app.command('/dr', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'help' }));
  const server = (await app.start(0)) as { address(): AddressInfo | string | null };
  const address = server.address() as AddressInfo;
  emulator.setBotUrl(`http://127.0.0.1:${address.port}/slack/events`);
  let n = 0;
  const out = await sampleHelp(emulator, () => n++ >= samples, 20);
  await app.stop();
  await emulator.close();
  return out;
}

/** Most calls in any window of `windowMs` starting at a call. */
function peak(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? 0) < (sorted[i] ?? 0) - windowMs + 1) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export default async function run(): Promise<BenchResult[]> {
  const { count, seconds } = stormSize();
  const baseline = await bareBoltLatencies(200);

  const sandbox = await startSandbox({
    planPath: 'bench/alarms-plan.yml',
    logLevel: 'silent',
    timeScale: 60,
  });
  try {
    const ids: string[] = [];
    let snsGaveUp = 0;
    let snsFailedAttempts = 0;
    sandbox.cloud.events.on('delivery', (d: { ok: boolean; willRetry: boolean; type: string }) => {
      if (d.type !== 'Notification' || d.ok) return;
      snsFailedAttempts++;
      if (!d.willRetry) snsGaveUp++;
    });
    let storming = true;
    const during = sampleHelp(sandbox.slack, () => !storming, 50);
    const started = Date.now();
    const perAlarm = new Array<number>(ALARMS).fill(0);
    for (let i = 0; i < count; i++) {
      const dueAt = started + (i * seconds * 1000) / count;
      const wait = dueAt - Date.now();
      if (wait > 2) await sleep(wait);
      const k = i % ALARMS;
      const n = perAlarm[k] ?? 0;
      perAlarm[k] = n + 1;
      const { subject, message } = notification(k, n, Date.now() + n);
      ids.push(sandbox.cloud.publish(TOPIC, message, subject));
    }
    await sandbox.cloud.tick();
    storming = false;
    const stormLatencies = await during;
    await sandbox.bot.alarms.idle();

    // Every notification accounted for: an applied receipt in the store.
    let lost = 0;
    let pending = 0;
    for (let i = 0; i < ids.length; i += 200) {
      const receipts = await Promise.all(
        ids.slice(i, i + 200).map((id) => sandbox.bot.alarms.receipts.get(id)),
      );
      lost += receipts.filter((r) => r?.status !== 'applied').length;
      pending += receipts.filter((r) => r?.status === 'pending').length;
    }

    // Slack calls against the emulator's limits.
    const calls = sandbox.slack.apiCalls();
    const rateLimited = calls.filter((c) => c.error === 'ratelimited').length;
    const updates = calls.filter((c) => c.method === 'chat.update' && c.ok).map((c) => c.at);
    const posts = new Map<string, number[]>();
    for (const c of calls)
      if (c.method === 'chat.postMessage' && c.ok && c.channel)
        posts.set(c.channel, [...(posts.get(c.channel) ?? []), c.at]);
    const peakUpdates = peak(updates, 60_000);
    const peakPosts = Math.max(0, ...[...posts.values()].map((t) => peak(t, 60_000)));
    const limits = defaultRateLimits;

    // Parent messages per incident: each card names its incident id.
    const parentsPerIncident = new Map<string, number>();
    for (const channel of [...SERVICES.map((s) => `C0${s.toUpperCase()}`), 'C0UNROUTED']) {
      for (const m of sandbox.slack.messages(channel)) {
        if (m.thread_ts !== undefined && m.thread_ts !== m.ts) continue;
        const id = /incident `([^`]+)`/.exec(JSON.stringify(m.blocks ?? []))?.[1];
        if (id) parentsPerIncident.set(id, (parentsPerIncident.get(id) ?? 0) + 1);
      }
    }
    const maxParents = Math.max(0, ...parentsPerIncident.values());

    const p50 = percentile(stormLatencies, 50);
    const p99 = percentile(stormLatencies, 99);
    const b50 = percentile(baseline, 50);
    const b99 = percentile(baseline, 99);
    const label = `${count.toLocaleString('en')} alarms in ${seconds} s`;
    return [
      {
        name: `alarms: notifications lost (${label})`,
        value: lost,
        unit: 'msgs',
        baseline: 0,
        ratio: lost / count,
        target: '0 lost (each has an applied receipt)',
        pass: lost === 0,
      },
      {
        name: `alarms: SNS deliveries retried / given up (${pending} receipts left pending)`,
        value: snsGaveUp,
        unit: 'msgs',
        baseline: snsFailedAttempts,
        ratio: snsGaveUp / count,
        target: '0 given up (SNS stops after 3 retries)',
        pass: snsGaveUp === 0,
      },
      {
        name: 'alarms: Slack 429 responses during the storm',
        value: rateLimited,
        unit: 'calls',
        baseline: 0,
        ratio: rateLimited,
        target: '0',
        pass: rateLimited === 0,
      },
      {
        name: 'alarms: peak chat.update in any 60 s (workspace)',
        value: peakUpdates,
        unit: 'calls',
        baseline: limits.updatePerMin,
        ratio: peakUpdates / limits.updatePerMin,
        target: `≤ ${limits.updatePerMin}/min (emulator limit)`,
        pass: peakUpdates <= limits.updatePerMin,
      },
      {
        name: 'alarms: peak chat.postMessage in any 60 s (one channel)',
        value: peakPosts,
        unit: 'calls',
        baseline: limits.postMessagePerChannelPerSec * 60,
        ratio: peakPosts / (limits.postMessagePerChannelPerSec * 60),
        target: `≤ ${limits.postMessagePerChannelPerSec * 60}/min per channel`,
        pass: peakPosts <= limits.postMessagePerChannelPerSec * 60,
      },
      {
        name: `alarms: parent messages per incident (max over ${parentsPerIncident.size} incidents)`,
        value: maxParents,
        unit: 'msgs',
        baseline: 1,
        ratio: maxParents,
        target: '1',
        pass: maxParents === 1,
      },
      {
        name: '/dr help ack round trip p50 during the storm vs idle bare Bolt',
        value: p50,
        unit: 'ms',
        baseline: b50,
        ratio: p50 / b50,
        target: 'informational',
        pass: true,
      },
      {
        name: '/dr help ack round trip p99 during the storm vs idle bare Bolt',
        value: p99,
        unit: 'ms',
        baseline: b99,
        ratio: p99 / b99,
        target: '≤ 1.5x and < 50 ms',
        pass: p99 <= 1.5 * b99 && p99 < 50,
      },
    ];
  } finally {
    await sandbox.close();
  }
}
