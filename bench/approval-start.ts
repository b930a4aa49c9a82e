import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { ActionId } from '../blocks/ids.js';
import { LEAVING_PRIMARY_BUDGET_MS } from '../src/approval/measure.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { StoredMessage } from '../src/sandbox/slack/types.js';

/**
 * Issue 19: the second approval click to the runbook's first mutating AWS call. Each run starts the
 * sandbox (bot, Slack emulator, simulated AWS, dynalite) in this process with a us-east-1 outage;
 * Alice approves the accounts failover the outage raised, then Bob's click is timed until the first
 * call of the runbook's planned mutating commands reaches the simulated cloud. Counted in the same
 * window: the DynamoDB requests dynalite received (round trips on the critical path), the Slack API
 * calls, the AWS calls. The same run's lower bound: a fresh readiness check of the service as approval
 * must measure it (an unplanned failover: one attempt per us-east-1 call, LEAVING_PRIMARY_BUDGET_MS) plus
 * MIN_ROUND_TRIPS sequential DynamoDB round trips at the median measured round-trip time (docs/runbook.md
 * lists them). The approval's own measurement is timed inside the window too (`measureMs`): the rest of the
 * figure (`outsideMs`) is what the approval and the runbook's start add to it, and the DynamoDB requests are
 * split into those before, during and after it, so the path's depth shows apart from the measurement's own
 * noise.
 */
export const MIN_ROUND_TRIPS = 9;
const ACCOUNTS = 'C0ACCOUNTS';

export interface ApprovalRun {
  readonly ms: number;
  readonly ackMs: number;
  readonly dynamoRequests: number;
  readonly slackCalls: number;
  readonly awsCalls: number;
  readonly readinessMs: number;
  /** The approval's own fresh readiness check, inside the window. */
  readonly measureMs: number;
  /** The figure less that measurement: what the approval and the runbook's start add. */
  readonly outsideMs: number;
  /** DynamoDB requests in the window before, during and after the approval's measurement. */
  readonly dynamoSplit: readonly [number, number, number];
  readonly roundTripMs: number;
  readonly lowerBoundMs: number;
  readonly mutating: string;
  readonly load: number;
}

/**
 * Counts the HTTP requests the in-process servers (dynalite, the Slack emulator) receive. While `hold.ms` > 0 each
 * DynamoDB request reaches dynalite that much later: every sequential round trip on a path then costs `hold.ms`
 * more, so (figure with − figure without) / `hold.ms` is the path's depth in round trips, whatever the load.
 */
function countServerRequests(hold: { ms: number }) {
  const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
  const seen: { at: number; dynamo: boolean; url: string }[] = [];
  const emit = http.Server.prototype.emit;
  const counting = function (this: import('node:http').Server, event: string, ...args: unknown[]) {
    const pass = () =>
      (emit as (this: unknown, event: string, ...a: unknown[]) => boolean).call(this, event, ...args);
    if (event === 'request') {
      const req = args[0] as import('node:http').IncomingMessage;
      const dynamo = req.headers['x-amz-target'] !== undefined;
      seen.push({ at: performance.now(), dynamo, url: req.url ?? '' });
      if (dynamo && hold.ms > 0) {
        setTimeout(pass, hold.ms);
        return true;
      }
    }
    return pass();
  };
  http.Server.prototype.emit = counting as typeof emit;
  return { seen, restore: () => Object.assign(http.Server.prototype, { emit }) };
}

const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** `dynamoDelayMs`: each DynamoDB request from the second click to the mutating call is held that long (depth). */
export async function approvalRun(options: { readonly dynamoDelayMs?: number } = {}): Promise<ApprovalRun> {
  const sandbox = await startSandbox({ logLevel: 'silent', timeScale: 120 });
  const hold = { ms: 0 };
  const counter = countServerRequests(hold);
  try {
    const { bot, cloud, slack } = sandbox;
    cloud.faults.regionOutage('us-east-1');
    const planned = new Set(
      (await bot.runner.plannedCalls('accounts', 'unplanned', 'failover'))
        .map((c) => c.command)
        .filter((c) => !/^(Describe|Get|List)/.test(c)),
    );
    const hasApprove = (m: StoredMessage) =>
      JSON.stringify(m.blocks ?? []).includes(`"${ActionId.failoverApprove}"`);
    const card = await slack.waitFor(() => slack.messages(ACCOUNTS).find(hasApprove), 90_000);
    const approve = (userId: string) =>
      slack.clickButton({
        userId,
        channelId: ACCOUNTS,
        messageTs: card.ts,
        actionId: ActionId.failoverApprove,
      });
    const first = await approve('U0ALICE');
    if (first.status !== 200) throw new Error(`Alice's approval answered ${first.status}`);
    const aws: { at: number; op: string }[] = [];
    cloud.events.on('call', (c: { operation: string; service: string }) =>
      aws.push({ at: performance.now(), op: `${c.service}:${c.operation}` }),
    );
    // The start's readiness scans and Alice's measurement finish first (no AWS call for 1 s, at most
    // 30 s): a scan running beside the click doubled or tripled the figure in traced runs.
    const quietSince = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    while (performance.now() - quietSince < 30_000 && performance.now() - (aws.at(-1)?.at ?? 0) < 1_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // The approval's fresh check (the bench's own one after the window is not counted).
    const measured: { from: number; to?: number }[] = [];
    const check = bot.readiness.check;
    bot.readiness.check = (service, options) => {
      const span: { from: number; to?: number } = { from: performance.now() };
      if (options?.fresh) measured.push(span);
      return check(service, options).finally(() => {
        span.to = performance.now();
      });
    };
    hold.ms = options.dynamoDelayMs ?? 0;
    const started = performance.now();
    const answered = await approve('U0BOB');
    const ackMs = performance.now() - started;
    if (answered.status !== 200) throw new Error(`Bob's approval answered ${answered.status}`);
    let mutating: (typeof aws)[number] | undefined;
    while (!mutating && performance.now() - started < 60_000) {
      mutating = aws.find((c) => c.at >= started && planned.has(c.op.split(':')[1] ?? ''));
      if (!mutating) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    hold.ms = 0;
    if (!mutating) throw new Error('no mutating call within 60 s of the second approval');
    const window = (at: number) => at >= started && at <= (mutating?.at ?? 0);
    const inWindow = counter.seen.filter((r) => window(r.at));
    bot.readiness.check = check;
    const span = measured.find((m) => window(m.from));
    const from = span?.from ?? started;
    const to = span?.to ?? from;
    const dynamo = inWindow.filter((r) => r.dynamo);

    // The same run's lower bound: what approval must measure (as it measures it: an unplanned failover, the
    // primary Region's calls with one attempt), and the DynamoDB round-trip time now.
    const r0 = performance.now();
    await bot.readiness.check('accounts', { fresh: true, leaving: { budgetMs: LEAVING_PRIMARY_BUDGET_MS } });
    const readinessMs = performance.now() - r0;
    const trips: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      await bot.stores.executions.get('bench-round-trip');
      trips.push(performance.now() - t);
    }
    const roundTripMs = median(trips);
    return {
      ms: mutating.at - started,
      ackMs,
      measureMs: to - from,
      outsideMs: mutating.at - started - (to - from),
      dynamoSplit: [
        dynamo.filter((r) => r.at < from).length,
        dynamo.filter((r) => r.at >= from && r.at <= to).length,
        dynamo.filter((r) => r.at > to).length,
      ],
      dynamoRequests: dynamo.length,
      slackCalls: inWindow.filter((r) => r.url.startsWith('/api/')).length,
      awsCalls: aws.filter((c) => window(c.at)).length,
      readinessMs,
      roundTripMs,
      lowerBoundMs: readinessMs + MIN_ROUND_TRIPS * roundTripMs,
      mutating: mutating.op,
      load: loadavg()[0] ?? 0,
    };
  } finally {
    counter.restore();
    await sandbox.close();
  }
}
