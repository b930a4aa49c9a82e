import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { createEmfEmitter, EMF_BOT, type EmfEmitter } from '../metrics/emf.js';
import { createMetrics, type MetricSources, type Metrics } from '../metrics/registry.js';
import type { Lifecycle } from './lifecycle.js';

/** Flush interval of the Embedded Metric Format lines: CloudWatch's standard one-minute resolution. */
const EMF_INTERVAL_MS = 60_000;

/**
 * The metrics registry (`GET /metrics`), and on AWS (`METRICS_EMF=on`) the same figures written to
 * stdout as Embedded Metric Format lines every minute. The caller flushes `emf` once more at
 * shutdown, before the state it reads closes (its close hook is registered last, so it runs first).
 */
export function wireMetrics(deps: {
  readonly config: Config;
  readonly clock: Clock;
  readonly lifecycle: Lifecycle;
  readonly sources: MetricSources;
  readonly write?: (line: string) => void;
}): { readonly metrics: Metrics; readonly emf: EmfEmitter | undefined } {
  const metrics = createMetrics(deps.sources);
  if (!deps.config.metricsEmf) return { metrics, emf: undefined };
  const emf = createEmfEmitter(metrics, {
    bot: EMF_BOT,
    now: () => deps.clock.now(),
    write: deps.write ?? ((line) => void process.stdout.write(line)),
  });
  deps.lifecycle.every(EMF_INTERVAL_MS, 'metrics (Embedded Metric Format)', () => emf.flush());
  return { metrics, emf };
}
