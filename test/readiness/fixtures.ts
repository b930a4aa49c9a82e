import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { Check } from '../../src/readiness/types.js';
import { NOW } from './helpers.js';

/** A degraded payments service with one lagging Aurora cluster, an unknown bucket and ready others. */
export function paymentsReadiness(): ServiceReadiness {
  const checks: Check[] = [
    {
      resourceId: 'payments-db',
      kind: 'aurora-global-cluster',
      name: 'replication lag',
      verdict: 'degraded',
      measured: { value: 84_200, unit: 'ms' },
      target: { value: 60_000, unit: 'ms' },
      dataLossMs: 84_200,
      freshness: true,
      source: 'metric',
      reason: 'payments-db: global replication lag 84.2 s exceeds RPO 60 s',
    },
    {
      resourceId: 'payments-db',
      kind: 'aurora-global-cluster',
      name: 'recovery cluster',
      verdict: 'ready',
      measured: { text: 'available' },
      target: { text: 'available' },
      reason: 'payments-db: recovery cluster payments-usw2 available',
    },
    {
      resourceId: 'payments-receipts',
      kind: 's3-bucket',
      name: 'versioning',
      verdict: 'unknown',
      measured: { text: 'access denied' },
      reason: 'payments-receipts: permission missing: s3:GetBucketVersioning',
    },
    {
      resourceId: 'payments-ledger',
      kind: 'dynamodb-global-table',
      name: 'canary',
      verdict: 'ready',
      measured: { value: 1_400, unit: 'ms' },
      target: { value: 60_000, unit: 'ms' },
      dataLossMs: 1_400,
      freshness: true,
      source: 'canary',
      reason: 'payments-ledger: canary replicated in 1.4 s within RPO 60 s',
    },
    {
      resourceId: 'payments-<dns>',
      kind: 'route53',
      name: 'failover records',
      verdict: 'ready',
      measured: { text: 'PRIMARY + SECONDARY' },
      target: { text: 'PRIMARY + SECONDARY' },
      reason: 'payments-<dns>: records ok',
    },
  ];
  return {
    service: 'payments',
    description: 'Card payments',
    primaryRegion: 'us-east-1',
    recoveryRegion: 'us-west-2',
    verdict: 'unknown',
    resources: [
      { id: 'payments-db', kind: 'aurora-global-cluster' },
      { id: 'payments-receipts', kind: 's3-bucket' },
      { id: 'payments-ledger', kind: 'dynamodb-global-table' },
      { id: 'payments-<dns>', kind: 'route53' },
    ],
    checks,
    rpo: {
      targetMs: 60_000,
      estimate: { ms: 84_200, complete: true, worst: { resourceId: 'payments-db', name: 'replication lag' } },
      verdict: 'degraded',
    },
    rto: {
      targetMs: 15 * 60_000,
      estimate: {
        ms: 11 * 60_000,
        path: [
          { stepId: 'promote-db', ms: 5 * 60_000, source: 'estimate' },
          { stepId: 'start-api', ms: 4 * 60_000, source: 'measured' },
          { stepId: 'flip-dns', ms: 2 * 60_000, source: 'default' },
        ],
        measuredSteps: 1,
      },
      verdict: 'ready',
    },
    checkedAt: NOW,
    durationMs: 1_234,
  };
}

/** A service with `n` resources; every seventh is not ready with a long reason, the rest ready. */
export function largeReadiness(n: number): ServiceReadiness {
  const kinds = ['ec2', 's3-bucket', 'dynamodb-global-table', 'rds-instance'] as const;
  const resources = Array.from({ length: n }, (_, i) => ({
    id: `res-${String(i).padStart(3, '0')}`,
    kind: kinds[i % kinds.length] ?? 'ec2',
  }));
  const checks: Check[] = resources.flatMap((r, i) =>
    Array.from({ length: 3 }, (_, j): Check => {
      const bad = i % 7 === 0 && j === 0;
      return {
        resourceId: r.id,
        kind: r.kind,
        name: `check ${j}`,
        verdict: bad ? 'not_ready' : 'ready',
        measured: { value: 1_000 * (j + 1), unit: 'ms' },
        target: { value: 60_000, unit: 'ms' },
        reason: bad ? `${r.id}: ${'very long reason <with> & markup '.repeat(40)}` : `${r.id}: fine`,
      };
    }),
  );
  return { ...paymentsReadiness(), service: 'big', verdict: 'not_ready', resources, checks };
}
