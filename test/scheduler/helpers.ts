import { pino } from 'pino';
import { createAuditLog, createMemoryAuditStore } from '../../src/audit/index.js';
import type { AuditEntry, AuditLog } from '../../src/audit/types.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Logger } from '../../src/logger.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { Verdict } from '../../src/readiness/types.js';
import type { Poster } from '../../src/scheduler/types.js';

export const silentLogger = (): Logger => pino({ level: 'silent' });

/** Two services in Europe/Berlin, a digest channel, and an HTTP probe on payments. */
export function schedulerPlan(
  options: {
    readonly probeUrl?: string;
    readonly digestChannel?: boolean;
    readonly timezone?: string;
    readonly digestAt?: string;
  } = {},
): Plan {
  return parsePlan(`version: 1
account: "123456789012"
timezone: ${options.timezone ?? 'Europe/Berlin'}
checkInterval: 5m
slack:
  ${options.digestChannel === false ? '' : 'digestChannel: C0DROPS'}
  digestAt: "${options.digestAt ?? '09:00'}"
defaults:
  drillInterval: 90d
services:
  payments:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0PAYMENTS
    approvers: { users: [U0ALICE] }
    probes:
      - id: api
        url: ${options.probeUrl ?? 'http://127.0.0.1:9/healthz'}
        interval: 30s
        failures: 3
        timeout: 2s
      - id: dns
        route53: payments-dns
    resources:
      - id: payments-dns
        kind: route53
        hostedZoneId: Z0PAYMENTSZONE
        recordName: api.payments.example.com
        primaryHealthCheckId: hc-payments-use1
    runbook:
      failover:
        - { id: tell, kind: notify, message: failing over }
  search:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 5m
    rto: 30m
    channel: C0SEARCH
    drillInterval: 30d
    approvers: { users: [U0BOB] }
    resources:
      - id: search-dns
        kind: route53
        hostedZoneId: Z0SEARCHZONE
        recordName: api.search.example.com
        primaryHealthCheckId: hc-search-use1
    runbook:
      failover:
        - { id: tell, kind: notify, message: failing over }
`);
}

/** A minimal ServiceReadiness with the given verdict (RPO/RTO within target unless the verdict says otherwise). */
export function readinessOf(service: string, verdict: Verdict, checkedAt: number): ServiceReadiness {
  return {
    service,
    primaryRegion: 'us-east-1',
    recoveryRegion: 'us-west-2',
    verdict,
    resources: [{ id: `${service}-dns`, kind: 'route53' }],
    checks: [
      {
        resourceId: `${service}-dns`,
        kind: 'route53',
        name: 'primary health check',
        verdict,
        reason: `${service}-dns: primary health check is ${verdict}`,
      },
    ],
    rpo: { targetMs: 60_000, estimate: { ms: 5_000, complete: true }, verdict: 'ready' },
    rto: { targetMs: 900_000, estimate: { ms: 600_000, path: [], measuredSteps: 0 }, verdict: 'ready' },
    checkedAt,
    durationMs: 10,
  };
}

/** Readiness whose verdicts the test sets. */
export function fakeReadiness(clock: Clock, verdicts: Record<string, Verdict>) {
  let calls = 0;
  return {
    verdicts,
    get calls() {
      return calls;
    },
    async check(service: string): Promise<ServiceReadiness> {
      calls++;
      const verdict = verdicts[service];
      if (!verdict) throw new Error(`no readiness for ${service}`);
      return readinessOf(service, verdict, clock.now());
    },
  };
}

export interface Posted {
  readonly channel: string;
  readonly text: string;
  readonly blocks: unknown[];
}

export function recordingPoster(): Poster & { readonly posts: Posted[] } {
  const posts: Posted[] = [];
  const post = async (message: Posted) => {
    posts.push(message);
  };
  return Object.assign(post, { posts });
}

export function memoryAudit(clock: Clock, writerId = 'test'): AuditLog {
  return createAuditLog(createMemoryAuditStore(), { writerId, clock });
}

export async function entries(audit: AuditLog): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for await (const entry of audit.query()) all.push(entry);
  return all;
}

/** Lets pending promise callbacks run (memory stores resolve in microtasks). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
