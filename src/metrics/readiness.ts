import { Gauge, type Registry } from 'prom-client';
import type { ServiceReadiness } from '../readiness/engine.js';
import type { Verdict } from '../readiness/types.js';
import { worstOfChecks } from '../readiness/verdict.js';

const VERDICTS: readonly Verdict[] = ['ready', 'degraded', 'unknown', 'not_ready'];

/** What a scrape reads of one service's readiness: the verdict, and when measured, its checks and estimates. */
export type ReadinessSample = Pick<ServiceReadiness, 'service'> & {
  readonly verdict: Verdict | undefined;
} & Partial<Pick<ServiceReadiness, 'checks' | 'rpo' | 'rto'>>;

/**
 * Readiness series, read when scraped from the last result measured for each service. A result is
 * kept after the readiness cache lets it go (the figures stay "the last measured" until the next
 * check), and dropped when its service leaves the source (the plan no longer names it).
 */
export function registerReadinessSeries(
  registry: Registry,
  source: (() => readonly ReadinessSample[]) | undefined,
): void {
  const registers = [registry];
  const last = new Map<string, ReadinessSample>();
  const current = (): ReadinessSample[] => {
    const seen = new Set<string>();
    for (const sample of source?.() ?? []) {
      seen.add(sample.service);
      if (sample.verdict) last.set(sample.service, sample);
    }
    for (const service of last.keys()) if (!seen.has(service)) last.delete(service);
    return [...last.values()];
  };
  const oneHot = (gauge: Gauge<string>, labels: Record<string, string>, verdict: Verdict) => {
    for (const v of VERDICTS) gauge.set({ ...labels, verdict: v }, v === verdict ? 1 : 0);
  };

  new Gauge({
    name: 'lifeboat_readiness_verdict',
    help: 'The last measured readiness verdict per service: 1 for the current verdict, 0 for the others.',
    labelNames: ['service', 'verdict'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of current()) if (s.verdict) oneHot(this, { service: s.service }, s.verdict);
    },
  });

  new Gauge({
    name: 'lifeboat_readiness_resource_verdict',
    help: 'The last measured verdict per resource (the worst of its checks): 1 for the current verdict, 0 for the others.',
    labelNames: ['service', 'resource', 'kind', 'verdict'] as const,
    registers,
    collect() {
      this.reset();
      for (const s of current()) {
        const byResource = new Map<
          string,
          { kind: string; checks: NonNullable<ReadinessSample['checks']>[number][] }
        >();
        for (const check of s.checks ?? []) {
          const entry = byResource.get(check.resourceId) ?? { kind: check.kind, checks: [] };
          entry.checks.push(check);
          byResource.set(check.resourceId, entry);
        }
        for (const [resource, { kind, checks }] of byResource)
          oneHot(this, { service: s.service, resource, kind }, worstOfChecks(checks));
      }
    },
  });

  const seconds = (name: string, help: string, pick: (s: ReadinessSample) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['service'] as const,
      registers,
      collect() {
        this.reset();
        for (const s of current()) {
          const ms = pick(s);
          if (ms !== undefined) this.set({ service: s.service }, ms / 1000);
        }
      },
    });
  seconds(
    'lifeboat_rpo_estimate_seconds',
    'Data a failover now would lose, per service: the worst freshness figure measured (absent when none could be measured).',
    (s) => s.rpo?.estimate.ms,
  );
  seconds('lifeboat_rpo_target_seconds', "The plan's RPO per service.", (s) => s.rpo?.targetMs);
  seconds(
    'lifeboat_rto_estimate_seconds',
    'How long a failover now would take, per service: the critical path of its runbook (drill measurements where there are some).',
    (s) => s.rto?.estimate.ms,
  );
  seconds('lifeboat_rto_target_seconds', "The plan's RTO per service.", (s) => s.rto?.targetMs);
}
