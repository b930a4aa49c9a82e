import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../src/adapters/store/dynamo.js';
import { createReceiptStore } from '../src/alarms/receipts.js';
import { systemClock } from '../src/domain/clock.js';
import { loadPlanFile } from '../src/plan/load.js';
import { SANDBOX_BOT, workspaceForPlan } from '../src/sandbox/people.js';
import { type SlackEmulator, startSlackEmulator } from '../src/sandbox/slack/index.js';
import { type ChildHandle, spawnScript, spawnTsx } from './alarms-ipc.js';
import {
  cardCounts,
  cardResult,
  parentsPerIncident,
  roundTripParts,
  startResults,
  stormResults,
} from './alarms-report.js';
import { approveClick, idleLatencies, sampleClicks, sampleHelp } from './alarms-samplers.js';
import { stormShape, writeStormPlan } from './alarms-shape.js';
import { benchBotSpawn } from './deployed-runtime.js';
import type { UnitsReport } from './dynamo-units.js';
import { unitsByPrefix, unitsResults } from './dynamo-units-report.js';
import type { BenchResult } from './types.js';

/**
 * An alarm storm through the real path, each party in its own process so that the `/dr help`
 * latency measures the bot and not the fake infrastructure sharing its event loop:
 *
 * - this process: the Slack emulator (default Slack-like limits) and the `/dr help` sampler;
 * - `alarms-storm.ts`: the simulated SNS, which RSA-signs every notification and POSTs it to /sns;
 * - `alarms-bot.ts`: Lifeboat (`startLifeboat`) alone; `alarms-bare.ts`: the bare Bolt baseline;
 * - dynalite, which the bot writes to and this process reads the receipts from at the end.
 *
 * Shape (alarms-shape.ts): default, a regional outage at a tenth (10,000 notifications in 60 s over 200
 * alarms of 20 services in 5 channels); `LIFEBOAT_ALARM_SHAPE=regional` the whole (100,000 in 10 minutes over
 * 2,000 alarms, 200 services, 50 channels). `LIFEBOAT_ALARM_STORM=2000/15` sets the count and duration alone.
 * `LIFEBOAT_BENCH_BOT_NODE_ARGS` (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the bot's process only.
 */

const TABLE = 'lifeboat';
const IDLE_SAMPLES = 1_000;
/**
 * The storm generator and dynalite stand for SNS and DynamoDB, which run on other machines: they
 * yield the CPU to the bot (and to this process's emulator and sampler, which stand for Slack).
 */
const INFRA_NICE = 10;
/** `LIFEBOAT_BENCH_DIAG=1`: the bot also runs a stall watcher and a DynamoDB probe (extra CPU). */
const DIAGNOSTICS = process.env.LIFEBOAT_BENCH_DIAG === '1';

/**
 * dynalite in its own process. It counts the requests it serves by operation (x-amz-target) and
 * answers `{ cmd: 'counts' }` lines with them (and resets them), so the run shows what the storm
 * costs in DynamoDB calls.
 */
const UNITS_MODULE = new URL('./dynamo-units.ts', import.meta.url).href;
const DYNALITE = `import dynalite from 'dynalite';
import { createInterface } from 'node:readline';
import { createUnitsAccount } from ${JSON.stringify(UNITS_MODULE)};
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let counts = {};
const units = createUnitsAccount();
let cpu = process.cpuUsage();
let since = performance.now();
server.prependListener('request', (req, res) => {
  const op = String(req.headers['x-amz-target'] ?? '').split('.').pop();
  const chunks = [];
  const answer = [];
  req.on('data', (c) => chunks.push(c));
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = (c, ...rest) => { if (c && typeof c !== 'function') answer.push(Buffer.from(c)); return write(c, ...rest); };
  res.end = (c, ...rest) => { if (c && typeof c !== 'function') answer.push(Buffer.from(c)); return end(c, ...rest); };
  req.on('end', () => {
    // What the call is about: the first key's partition prefix (ALARMMSG, INCIDENT, AUDIT, ...).
    const body = Buffer.concat(chunks).toString();
    const prefix = /"pk":\\{"S":"([A-Z_]+)/.exec(body)?.[1] ?? '-';
    const key = op + ' ' + prefix;
    counts[key] = (counts[key] ?? 0) + 1;
    // DynamoDB's units per partition key and second (bench/dynamo-units.ts), once the answer is written.
    res.once('finish', () => {
      try {
        const text = Buffer.concat(answer).toString();
        units.record(op, JSON.parse(body), text ? JSON.parse(text) : {}, Date.now());
      } catch {}
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify(server.address()) + '\\n'));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const msg = JSON.parse(line);
  const used = process.cpuUsage(cpu);
  const cpuShare = Math.round((used.user + used.system) / 10 / (performance.now() - since)) / 100;
  process.stdout.write(JSON.stringify({ id: msg.id, counts, cpuShare, units: units.report() }) + '\\n');
  counts = {};
  cpu = process.cpuUsage();
  since = performance.now();
});
lines.on('close', () => server.close(() => process.exit(0)));`;

/** Alarm → card samples without a storm: rounds over the five services, each an ALARM that opens an incident. */
const CARD_ROUNDS = 4;

/**
 * An alarm published to `POST /sns` until its card (the incident's parent message) is in the emulator's
 * channel, one at a time with no storm: each sample is an ALARM that opens a new incident, then an OK that
 * resolves it (not timed) so the service's next ALARM opens another.
 */
async function alarmToCard(
  emulator: SlackEmulator,
  storm: ChildHandle,
  channels: readonly string[],
  channelOf: (service: string) => string,
): Promise<number[]> {
  const out: number[] = [];
  const parents = (channel: string) =>
    emulator.messages(channel).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts).length;
  for (let i = 0; i < CARD_ROUNDS * 5; i++) {
    const k = i % 5;
    // The service's channel, from the first sample's answer (alarm k belongs to service k mod 5).
    const counted = new Map<string, number>();
    for (const c of channels) counted.set(c, parents(c));
    const sent = await storm.request('single', { k, state: 'ALARM' });
    const channel = channelOf(String(sent.service));
    const before = counted.get(channel) ?? 0;
    const deadline = Date.now() + 15_000;
    while (parents(channel) === before && Date.now() < deadline) await sleep(5);
    out.push(Date.now() - Number(sent.at));
    await storm.request('single', { k, state: 'OK' });
    await sleep(1_200);
  }
  return out;
}

export default async function run(): Promise<BenchResult[]> {
  const shape = stormShape();
  const { count, seconds } = shape;
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-alarm-bench-'));
  const PLAN = await writeStormPlan(dir, shape);
  const plan = await loadPlanFile(PLAN);
  const children: ChildHandle[] = [];
  const start = async (child: Promise<ChildHandle>) => {
    const handle = await child;
    children.push(handle);
    return handle;
  };
  const botToken = `xoxb-bench-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startSlackEmulator({
    team: { id: 'T0LIFEBOAT', domain: 'lifeboat-bench', name: 'Lifeboat bench' },
    ...workspaceForPlan(plan),
    botToken,
    signingSecret,
    botUser: SANDBOX_BOT,
  });
  try {
    const dynamo = await start(spawnScript(DYNALITE, { nice: INFRA_NICE }));
    const dynamoEndpoint = `http://127.0.0.1:${Number(dynamo.ready.port)}`;
    const certPemPath = join(dir, 'sns-cert.pem');
    const storm = await start(spawnTsx('alarms-storm.ts', [PLAN, certPemPath], { nice: INFRA_NICE }));

    // The baseline: a bare Bolt app, idle, alone in its process behind the same emulator.
    const bare = await start(
      spawnTsx('alarms-bare.ts', [JSON.stringify({ apiUrl: slack.apiUrl, botToken, signingSecret })]),
    );
    slack.setBotUrl(`${String(bare.ready.url)}/slack/events`);
    const click = await approveClick(slack, botToken);
    const bareLatencies = await idleLatencies(slack, IDLE_SAMPLES, click);
    const bareIdle = await bare.request('report');
    await bare.close();

    const bot = await start(
      spawnTsx(
        'alarms-bot.ts',
        [
          JSON.stringify({
            planPath: PLAN,
            apiUrl: slack.apiUrl,
            botToken,
            signingSecret,
            dynamoEndpoint,
            certUrl: String(storm.ready.certUrl),
            certPemPath,
            diagnostics: DIAGNOSTICS,
            dynamoThread: process.env.DYNAMODB_THREAD,
          }),
        ],
        // As the image runs it: the Dockerfile's node flags and ENV (bench/deployed-runtime.ts).
        benchBotSpawn(),
      ),
    );
    const botUrl = String(bot.ready.url);
    slack.setBotUrl(`${botUrl}/slack/events`);
    await storm.request('subscribe', { url: `${botUrl}/sns` });
    await bot.request('measure');
    const lifeboatIdle = await idleLatencies(slack, IDLE_SAMPLES, click);
    const idleReport = await bot.request('report');
    // Alarm to card without a storm (issue 19: p99 ≤ 1 s), before the storm so nothing queues ahead of it.
    const serviceChannels = Object.values(plan.services).flatMap((s) => (s.channel ? [s.channel] : []));
    const cardLatencies = await alarmToCard(slack, storm, serviceChannels, (service) => {
      const channel = plan.services[service]?.channel;
      if (!channel) throw new Error(`no channel for ${service}`);
      return channel;
    });
    await bot.request('idle');

    await bot.request('measure');
    await dynamo.request('counts');
    // Contention from outside the bot: this process's own event-loop delay and the machine's load.
    const here = monitorEventLoopDelay({ resolution: 5 });
    here.enable();
    const loadBefore = loadavg()[0] ?? 0;
    let storming = true;
    const stormSpans: [number, number][] = [];
    const during = sampleHelp(slack, () => !storming, 50, stormSpans);
    const clicksDuring = sampleClicks(click, () => !storming, 50);
    const sent = await storm.request('storm', { count, seconds, alarms: shape.alarms });
    storming = false;
    const stormLatencies = await during;
    const stormClicks = await clicksDuring;
    here.disable();
    const loadAfter = loadavg()[0] ?? 0;
    const botReport = await bot.request('report');
    await bot.request('idle');
    const dynamoCalls = await dynamo.request('counts');
    const dynamoUnits = dynamoCalls.units as UnitsReport;
    process.stderr.write(
      `alarms bench: generator published in ${String(sent.publishedMs)} ms (max ${String(sent.maxBehindMs)} ms behind schedule, CPU ${String(sent.cpuShare)} of a core)\n` +
        `alarms bench: bot during the storm ${JSON.stringify({ ...botReport, id: undefined, slackRequestSpans: undefined })}\n` +
        `alarms bench: slowest /dr help round trips during the storm, ms before the bot's request event / in the bot / after its answer: ${JSON.stringify(roundTripParts(stormSpans, botReport.slackRequestSpans as [number, number][]))}\n` +
        `alarms bench: bot idle ${JSON.stringify({ ...idleReport, id: undefined, slackRequestSpans: undefined })}\n` +
        `alarms bench: DynamoDB calls for the storm (until applied) ${JSON.stringify(dynamoCalls.counts)}, dynalite CPU ${String(dynamoCalls.cpuShare)} of a core\n` +
        `alarms bench: DynamoDB ${unitsByPrefix(dynamoUnits)}\n` +
        `alarms bench: emulator process loop delay p99 ${(here.percentile(99) / 1e6).toFixed(1)} ms, max ${(here.max / 1e6).toFixed(1)} ms; ` +
        `load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the storm (${cpus().length} CPUs)\n`,
    );

    // Every notification accounted for: an applied receipt in the store (read from dynalite here).
    const documents = createDocumentClient({ endpoint: dynamoEndpoint, region: 'us-east-1' });
    const receipts = createReceiptStore(documents, TABLE, systemClock);
    const ids = sent.ids as string[];
    let lost = 0;
    let pending = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const got = await Promise.all(ids.slice(i, i + 100).map((id) => receipts.get(id)));
      lost += got.filter((r) => r?.status !== 'applied').length;
      pending += got.filter((r) => r?.status === 'pending').length;
    }
    // Each channel once: services share channels (20 services in 5), and a channel listed four times had
    // every card counted four times ("4 parents per incident" in the 2026-12-07 runs; bench/alarms-report.ts).
    const channels = [
      ...new Set([...Object.values(plan.services).map((s) => s.channel), plan.slack.unroutedChannel]),
    ];
    const messages = channels.flatMap((c) => (c ? slack.messages(c) : []));
    // Every incident's card, once everything is applied and shown, counts what its record counts.
    const stored = new Map<string, number>();
    for (const id of cardCounts(messages).keys()) {
      const got = await documents.send(
        new GetCommand({
          TableName: TABLE,
          Key: { pk: `INCIDENT#${id}`, sk: 'INCIDENT' },
          ConsistentRead: true,
        }),
      );
      stored.set(id, Number(got.Item?.notifications ?? Number.NaN));
    }
    documents.destroy();
    const results = stormResults({
      count,
      seconds,
      alarms: shape.alarms,
      services: shape.services,
      channels: shape.channels,
      rssGrowthMb: Number(botReport.rssMb) - Number(idleReport.rssMb),
      lost,
      pending,
      snsGaveUp: Number(sent.gaveUp),
      snsFailedAttempts: Number(sent.failedAttempts),
      calls: slack.apiCalls(),
      parents: parentsPerIncident(messages),
      cards: { shown: cardCounts(messages), stored },
      bare: bareLatencies.help,
      idle: lifeboatIdle.help,
      storm: stormLatencies,
      clicks: { bare: bareLatencies.click, idle: lifeboatIdle.click, storm: stormClicks },
    });
    return [
      ...startResults({
        botReadyMs: Number(bot.ready.readyMs),
        bareReadyMs: Number(bare.ready.readyMs),
        botIdleRssMb: Number(idleReport.rssMb),
        bareIdleRssMb: Number(bareIdle.rssMb),
      }),
      cardResult(cardLatencies),
      ...results,
      ...unitsResults('alarms storm', dynamoUnits),
    ];
  } finally {
    for (const child of children.reverse()) await child.close().catch(() => undefined);
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  }
}
