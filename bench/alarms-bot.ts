import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../src/adapters/store/dynamo.js';
import type { AuditLog } from '../src/audit/types.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startLifeboat } from '../src/main.js';
import { loadPlanFile } from '../src/plan/load.js';
import { createSimulatedCloud } from '../src/sandbox/aws/index.js';
import { pinnedSnsTrust } from '../src/sandbox/sns-trust.js';
import { type Json, serveLines } from './alarms-ipc.js';

/**
 * The bot alone in its own process for the alarm-storm benchmark: `startLifeboat` against the
 * Slack emulator (SLACK_API_URL), a dynalite in another process (`dynamoEndpoint`) and the storm
 * generator's SNS signing certificate (read from a file). Usage:
 * `tsx bench/alarms-bot.ts '<json BotArgs>'`. Requests: `measure` (reset the counters), `report`
 * (event-loop delay and audit append times since `measure`), `idle` (everything applied and shown).
 *
 * Its AWS SDK clients are attached to an in-process simulated cloud with the plan's tables, which
 * only readiness checks touch (no alarm traffic goes through it); SNS's certificate is fetched
 * from the generator's process as the real one would be from SNS.
 */
interface BotArgs {
  readonly planPath: string;
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly dynamoEndpoint: string;
  readonly certUrl: string;
  readonly certPemPath: string;
  /** Stall watcher and DynamoDB probe (LIFEBOAT_BENCH_DIAG=1): they cost the bot CPU, so off by default. */
  readonly diagnostics?: boolean;
  /** DYNAMODB_THREAD for the bot's config (default on). */
  readonly dynamoThread?: string;
}

/**
 * CPU seconds the main thread has used (Linux: /proc/self/task/<pid>/stat, utime + stime in clock
 * ticks of 10 ms); undefined elsewhere. Unlike the event loop's utilization it does not count time
 * spent waiting for a core.
 */
function mainThreadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
const rssMb = () => mb(process.memoryUsage.rss());

/**
 * The heap beside the RSS figure: RSS counts garbage not yet collected and memory V8 keeps after a
 * collection, so heapUsed (and, with `--expose-gc` in LIFEBOAT_BENCH_BOT_NODE_ARGS, heapUsed after a full
 * collection) tells growth that is live from growth that is not. `LIFEBOAT_BENCH_HEAP_DIR=<dir>` also
 * writes a heap snapshot at each report (idle, after the storm) to compare retained sizes by constructor.
 */
let snapshots = 0;
function memory(): Json {
  const used = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const dir = process.env.LIFEBOAT_BENCH_HEAP_DIR;
  const snapshot = dir ? writeHeapSnapshot(`${dir}/bot-${String(++snapshots)}.heapsnapshot`) : undefined;
  return {
    heapUsedMb: mb(used.heapUsed),
    heapTotalMb: mb(used.heapTotal),
    externalMb: mb(used.external),
    arrayBuffersMb: mb(used.arrayBuffers),
    ...(gc ? { heapUsedAfterGcMb: mb(process.memoryUsage().heapUsed) } : {}),
    ...(snapshot ? { snapshot } : {}),
  };
}

const quantiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
};

/** Times every audit append by event type (the log object is shared by all of the bot's writers). */
function timeAppends(audit: AuditLog): { byType: Map<string, number[]> } {
  const byType = new Map<string, number[]>();
  const append = audit.append.bind(audit);
  (audit as { append: AuditLog['append'] }).append = async (event) => {
    const started = performance.now();
    try {
      return await append(event);
    } finally {
      const ms = performance.now() - started;
      const list = byType.get(event.type) ?? [];
      list.push(ms);
      byType.set(event.type, list);
    }
  };
  return { byType };
}

/**
 * Times each /slack/events request inside the bot, from the server's 'request' event to the last
 * byte of the answer: the round trip minus this is the wait before the bot's loop got to it (and
 * the emulator's and the network's share).
 */
function timeSlackRequests(): { times: number[]; spans: [number, number][] } {
  const timed = { times: [] as number[], spans: [] as [number, number][] };
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...rest: unknown[]) {
    const [req, res] = rest as [IncomingMessage, ServerResponse];
    if (event === 'request' && req.url?.startsWith('/slack/events')) {
      const started = performance.now();
      res.once('finish', () => {
        const ended = performance.now();
        timed.times.push(ended - started);
        timed.spans.push([performance.timeOrigin + started, performance.timeOrigin + ended]);
      });
    }
    return Reflect.apply(emit, this, [event, ...rest]) as boolean;
  } as Server['emit'];
  return timed;
}

/**
 * Stalls of the bot's event loop (a 5 ms timer more than 20 ms late), each with the process CPU
 * time used meanwhile: a stall with as much CPU as wall time was the bot computing; one with little
 * CPU was the bot waiting for a core (other processes) — contention, not the bot's own work.
 */
function watchStalls(): { list: { wallMs: number; cpuMs: number }[]; stop(): void } {
  const stalls = { list: [] as { wallMs: number; cpuMs: number }[], stop: () => clearInterval(timer) };
  let last = performance.now();
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    if (now - last > 25)
      stalls.list.push({
        wallMs: Math.round(now - last),
        cpuMs: Math.round((used.user + used.system) / 1000),
      });
    last = now;
    cpu = process.cpuUsage();
  }, 5);
  return stalls;
}

async function main(args: BotArgs): Promise<void> {
  const slackRequests = timeSlackRequests();
  const plan = await loadPlanFile(args.planPath);
  const pem = await readFile(args.certPemPath, 'utf8');
  const cloudStarted = performance.now();
  const cloud = await createSimulatedCloud({ plan, tickIntervalMs: 0 });
  // The simulated cloud is the bench's stand-in for AWS, not part of the bot's start.
  const cloudMs = performance.now() - cloudStarted;
  const config = parseConfig(
    {
      SLACK_BOT_TOKEN: args.botToken,
      SLACK_SIGNING_SECRET: args.signingSecret,
      SLACK_API_URL: args.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
      // `DYNAMODB_THREAD=off npm run bench alarms` measures the bot with DynamoDB calls in-thread.
      ...(args.dynamoThread ? { DYNAMODB_THREAD: args.dynamoThread } : {}),
    },
    { memoryState: true },
  );
  // `LIFEBOAT_BENCH_BOT_LOG=<file>`: the bot's warnings and errors go there (stdout carries the bench's lines).
  const logFile = process.env.LIFEBOAT_BENCH_BOT_LOG;
  const bot = await startLifeboat({
    config,
    plan,
    ...(logFile
      ? { logger: createLogger({ level: 'warn', destination: createWriteStream(logFile, { flags: 'a' }) }) }
      : {}),
    dynamoEndpoint: args.dynamoEndpoint,
    onAwsClient: (client, region) => cloud.attach(client, region),
    snsTrust: pinnedSnsTrust(args.certUrl, pem),
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const stalls = args.diagnostics ? watchStalls() : undefined;
  let appends = timeAppends(bot.audit);
  // A DynamoDB round trip from this process on its own connections, every 50 ms: what the store and
  // the event loop alone cost, without the bot's connection pool or audit queue.
  const probeClient = createDocumentClient({ endpoint: args.dynamoEndpoint, region: 'us-east-1' });
  let probes: number[] = [];
  const probeTimer = args.diagnostics
    ? setInterval(() => {
        const started = performance.now();
        void probeClient
          .send(new GetCommand({ TableName: config.tableName, Key: { pk: 'BENCH', sk: 'PROBE' } }))
          .then(() => probes.push(performance.now() - started));
      }, 50)
    : undefined;
  let cpu = process.cpuUsage();
  let since = performance.now();
  let elu = performance.eventLoopUtilization();
  let mainCpu = mainThreadCpuSeconds();
  const ms = (ns: number) => Math.round(ns / 10_000) / 100;

  serveLines(
    {
      url: bot.url,
      // Cold start: from the process's start (performance's time origin) to ready, as the Dockerfile runs it (tsx).
      readyMs: Math.round(performance.now() - cloudMs),
      rssMb: rssMb(),
    },
    {
      async measure() {
        loop.reset();
        appends.byType.clear();
        probes = [];
        slackRequests.times = [];
        slackRequests.spans = [];
        if (stalls) stalls.list = [];
        cpu = process.cpuUsage();
        since = performance.now();
        elu = performance.eventLoopUtilization();
        mainCpu = mainThreadCpuSeconds();
        return {};
      },
      async report() {
        const used = process.cpuUsage(cpu);
        return {
          // The whole process (main thread and DynamoDB thread), and the main thread's loop alone.
          cpuShare: Math.round((used.user + used.system) / 10 / (performance.now() - since)) / 100,
          mainThreadCpuShare:
            mainCpu === undefined
              ? null
              : Math.round(
                  (((mainThreadCpuSeconds() ?? mainCpu) - mainCpu) * 1e5) / (performance.now() - since),
                ) / 100,
          mainLoopUtilization: Math.round(performance.eventLoopUtilization(elu).utilization * 100) / 100,
          loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
          ...(args.diagnostics ? { dynamoProbeMs: quantiles(probes) } : {}),
          slackRequestInBotMs: quantiles(slackRequests.times),
          slackRequestSpans: slackRequests.spans,
          ...(stalls
            ? {
                stalls: {
                  count: stalls.list.length,
                  wallMs: stalls.list.reduce((n, s) => n + s.wallMs, 0),
                  cpuMs: stalls.list.reduce((n, s) => n + s.cpuMs, 0),
                  longest: [...stalls.list].sort((a, b) => b.wallMs - a.wallMs).slice(0, 8),
                },
              }
            : {}),
          auditAppendMs: Object.fromEntries([...appends.byType].map(([type, v]) => [type, quantiles(v)])),
          alarms: bot.alarms.stats() as unknown as Json,
          rssMb: rssMb(),
          memory: memory(),
        };
      },
      async idle() {
        await bot.alarms.idle();
        return {};
      },
    },
    async () => {
      loop.disable();
      stalls?.stop();
      clearInterval(probeTimer);
      probeClient.destroy();
      appends = { byType: new Map() };
      await bot.close(5_000);
      await cloud.close();
    },
  );
}

const raw = process.argv[2];
if (!raw) throw new Error("usage: tsx bench/alarms-bot.ts '<json>'");
await main(JSON.parse(raw) as BotArgs);
