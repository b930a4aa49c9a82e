import { createAwsClients } from '../src/adapters/aws/clients.js';
import { parsePlan } from '../src/plan/load.js';
import { createAwsCheckers } from '../src/readiness/aws/index.js';
import { createReadinessEngine } from '../src/readiness/engine.js';
import { createReadinessService } from '../src/readiness/service.js';
import { callRegion } from '../src/sandbox/aws/dispatch.js';
import type { ServiceKey } from '../src/sandbox/aws/errors.js';
import { createSimulatedCloud } from '../src/sandbox/aws/index.js';
import { type BucketSpec, bucketsFor } from '../src/sandbox/aws/throttle.js';
import type { BenchResult } from './types.js';

/**
 * Readiness at organisation scale against the simulated cloud with AWS's request rates (throttle.ts):
 * `LIFEBOAT_READINESS_ORG=<services>x<resources per service>` (default 20x50 = 1,000 resources; the issue's
 * shape is 200x50 = 10,000), 50 ms per attempt, the bot's readiness engine and clients (adaptive retry,
 * 4 attempts). Every 25th replicated resource (DynamoDB, S3, RDS) has its replication broken, past its RPO.
 *
 * Lower bound: the larger of (a) admitted calls × latency / concurrency and (b) for every token bucket, the
 * time its admitted calls need past its burst, (n − capacity) / refill, plus one call's latency.
 */
const LATENCY_MS = 50;
/** The bot's readiness engine default (src/readiness/engine.ts, not overridden in src/main.ts). */
const CONCURRENCY = Number(process.env.LIFEBOAT_READINESS_CONCURRENCY ?? 16);
const BROKEN_EVERY = 25;
/**
 * The run's clock is the system clock moved 5 minutes ahead once the replication of the broken resources has
 * stopped: they are then 5 minutes behind, past their 1-minute RPO, without waiting and with the model at 1x
 * (a faster model makes every GetMetricData answer sample more periods of the same clock window, which costs
 * the benchmark's CPU, not the bot's). Request-rate buckets start full either way.
 */
const BROKEN_FOR_MS = 5 * 60_000;

export function orgShape(): { services: number; perService: number } {
  const match = /^(\d+)x(\d+)$/.exec(process.env.LIFEBOAT_READINESS_ORG ?? '20x50');
  if (!match) throw new Error('LIFEBOAT_READINESS_ORG must look like 200x50 (services x resources each)');
  return { services: Number(match[1]), perService: Number(match[2]) };
}

function planYaml(services: number, perService: number): string {
  const blocks: string[] = [];
  for (let s = 0; s < services; s++) {
    const lines: string[] = [];
    for (let i = 0; i < perService; i++) {
      const id = `s${s}-r${i}`;
      switch (i % 4) {
        case 0:
          lines.push(`      - { id: ${id}, kind: dynamodb-global-table, tableName: table-${id} }`);
          break;
        case 1:
          lines.push(
            `      - { id: ${id}, kind: s3-bucket, sourceBucket: src-${id}, destinationBucket: dst-${id}, replicationRuleId: rule }`,
          );
          break;
        case 2:
          lines.push(
            `      - { id: ${id}, kind: rds-instance, primaryInstance: db-${id}, replicaInstance: db-${id}-dr }`,
          );
          break;
        default:
          lines.push(
            `      - { id: ${id}, kind: route53, hostedZoneId: ZORG${s}, recordName: ${id}.example.com, primaryHealthCheckId: hc-${id}-a, recoveryHealthCheckId: hc-${id}-b }`,
          );
      }
    }
    blocks.push(`  svc-${s}:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 1h
    channel: C0SVC${s}
    approvers: { users: [U0BENCH] }
    resources:
${lines.join('\n')}
    runbook:
      failover:
        - { id: notify, kind: notify, message: bench }`);
  }
  return `version: 1
account: "123456789012"
services:
${blocks.join('\n')}
`;
}

interface CallEvent {
  service: ServiceKey;
  operation: string;
  region: string;
  input: object;
  rateLimited?: boolean;
}

/** Time the admitted calls of each bucket need at least: (n − capacity) / refill, seconds → ms. */
export function bucketBoundMs(admitted: ReadonlyMap<string, { n: number; spec: BucketSpec }>): {
  ms: number;
  bucket: string;
} {
  let worst = { ms: 0, bucket: 'none' };
  for (const [bucket, { n, spec }] of admitted) {
    const ms = (Math.max(0, n - spec.capacity) / spec.refillPerSecond) * 1000;
    if (ms > worst.ms) worst = { ms, bucket };
  }
  return worst;
}

export async function runOrgReadiness(): Promise<BenchResult[]> {
  const { services, perService } = orgShape();
  const total = services * perService;
  const plan = parsePlan(planYaml(services, perService), 'bench-org-plan.yml');
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };
  const cloud = await createSimulatedCloud({ plan, clock, tickIntervalMs: 0 });
  const broken = new Set<string>();
  for (let s = 0; s < services; s++)
    for (let i = 0; i < perService; i++)
      if ((s * perService + i) % BROKEN_EVERY === 0 && i % 4 !== 3) {
        const id = `s${s}-r${i}`;
        cloud.faults.breakReplication(id);
        broken.add(id);
      }
  offsetMs = BROKEN_FOR_MS;
  cloud.faults.latency(LATENCY_MS);
  const admitted = new Map<string, { n: number; spec: BucketSpec }>();
  let calls = 0;
  let throttled = 0;
  cloud.events.on('call', (e: CallEvent) => {
    if (e.rateLimited) {
      throttled++;
      return;
    }
    calls++;
    const region = callRegion(e.service, e.region);
    for (const b of bucketsFor(e.service, e.operation, e.input as { Bucket?: unknown })) {
      const key = `${region}/${b.scope}`;
      const entry = admitted.get(key) ?? { n: 0, spec: b };
      entry.n++;
      admitted.set(key, entry);
    }
  });
  const aws = createAwsClients({ onClient: cloud.attach });
  try {
    const engine = createReadinessEngine({
      checkers: createAwsCheckers(aws),
      clock,
      concurrency: CONCURRENCY,
    });
    const readiness = createReadinessService({ engine, getPlan: () => plan, clock });
    // Warm-up: the clients and the SDK's lazily loaded code, on one service; then wait until every bucket it
    // drew from is full again, so the timed run starts with full buckets, as the bound assumes.
    await readiness.check('svc-0', { fresh: true });
    const refillMs = Math.max(
      0,
      ...[...admitted.values()].map(({ n, spec }) => (n / spec.refillPerSecond) * 1000),
    );
    await new Promise((resolve) => setTimeout(resolve, refillMs + 100));
    admitted.clear();
    const warmupCalls = calls;
    const warmupThrottled = throttled;
    const started = performance.now();
    const results = await readiness.checkAll({ fresh: true });
    const wallMs = performance.now() - started;

    let ready = 0;
    let falselyReady = 0;
    let unmeasured = 0;
    for (const r of results) {
      const byResource = new Map<string, string[]>();
      for (const c of r.checks) {
        if (!c.resourceId) continue;
        byResource.set(c.resourceId, [...(byResource.get(c.resourceId) ?? []), c.verdict]);
        if (c.verdict === 'unknown' && /throttl|timed out/i.test(c.reason)) unmeasured++;
      }
      for (const [id, verdicts] of byResource) {
        if (verdicts.every((v) => v === 'ready')) {
          ready++;
          if (broken.has(id)) falselyReady++;
        }
      }
    }
    calls -= warmupCalls;
    throttled -= warmupThrottled;
    const concurrencyBoundMs = (calls * LATENCY_MS) / CONCURRENCY;
    const bucket = bucketBoundMs(admitted);
    const boundMs = Math.max(concurrencyBoundMs, bucket.ms + LATENCY_MS);
    const shape = `${total.toLocaleString('en')} resources in ${services} services, ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`;
    process.stderr.write(
      `readiness org: ${shape}: ${calls} calls admitted, ${throttled} throttled, bound ${Math.round(boundMs)} ms ` +
        `(concurrency ${Math.round(concurrencyBoundMs)} ms, slowest bucket ${bucket.bucket} ${Math.round(bucket.ms)} ms), ` +
        `wall ${Math.round(wallMs)} ms, ${ready} ready of ${total}, ${broken.size} broken (${falselyReady} of them ready), ` +
        `${unmeasured} checks unmeasured; throttled by bucket ${JSON.stringify(Object.fromEntries(cloud.throttled()))}\n`,
    );
    return [
      {
        name: `readiness at org scale vs its lower bound (${shape}; slowest bucket ${bucket.bucket}; AWS request rates)`,
        value: Math.round(wallMs),
        unit: 'ms',
        baseline: Math.round(boundMs),
        ratio: wallMs / boundMs,
        target: '≤ 1.3x max(calls × latency / concurrency, bucket (n − burst) / rate)',
        pass: wallMs / boundMs <= 1.3,
      },
      {
        name: `readiness at org scale: resources falsely ready (of ${broken.size} with replication broken)`,
        value: falselyReady,
        unit: 'resources',
        baseline: 0,
        ratio: falselyReady,
        target: '0',
        pass: falselyReady === 0,
      },
      {
        name: `readiness at org scale: throttled attempts absorbed by adaptive retry (checks left unmeasured: ${unmeasured})`,
        value: throttled,
        unit: 'attempts',
        baseline: calls,
        ratio: calls > 0 ? throttled / calls : 0,
        target: 'every check measured (0 unmeasured)',
        pass: unmeasured === 0,
      },
    ];
  } finally {
    aws.destroy();
    await cloud.close();
  }
}
