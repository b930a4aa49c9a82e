import type { Metrics } from './registry.js';

/**
 * The same figures as `GET /metrics`, as CloudWatch metrics through the Embedded Metric Format
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * one JSON log line per label set, whose `_aws.CloudWatchMetrics` directive tells CloudWatch Logs to
 * extract the members named there as metrics. No agent and no API call: the ECS task's awslogs driver
 * ships stdout to CloudWatch Logs, which extracts them (the `x-amzn-logs-format: json/emf` header is
 * optional, CloudWatch_Embedded_Metric_Format_Generation_PutLogEvents.html).
 *
 * Counters are emitted as the increase since the previous flush (CloudWatch sums them), gauges as
 * their value, step durations as the individual observations (a `Values` array). docs/metrics.md.
 */
/** The CloudWatch namespace and the `Bot` dimension value Lifeboat's documents use (infra/'s alarms name them). */
export const EMF_NAMESPACE = 'Lifeboat';
export const EMF_BOT = 'lifeboat';

export interface EmfOptions {
  /** CloudWatch namespace (default `Lifeboat`). */
  readonly namespace?: string;
  /** Set on every document, and a dimension of every metric (infra/'s alarms name it). */
  readonly bot: string;
  /** Epoch ms of the flush (the documents' `_aws.Timestamp`). */
  readonly now: () => number;
  /** Writes one line (stdout in production: the awslogs driver ships it). */
  readonly write: (line: string) => void;
}

export interface EmfEmitter {
  /** Writes the documents for everything measured since the previous flush. */
  flush(): Promise<void>;
}

/** EMF: at most 100 metrics per directive, 30 dimensions per dimension set, 100 values per metric. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;

/**
 * Dimension values must be non-empty ASCII without control characters, at most 1,024 characters
 * (CloudWatch API Reference, Dimension). Anything else is replaced rather than sent and refused.
 */
export const dimensionValue = (value: string): string =>
  value.replace(/[^\x20-\x7e]/g, '_').slice(0, 1024) || '_';

const unitOf = (name: string) => (name.endsWith('_seconds') ? 'Seconds' : 'Count');

interface Document {
  readonly dimensions: Record<string, string>;
  readonly values: Map<string, number | number[]>;
}

export function createEmfEmitter(metrics: Metrics, options: EmfOptions): EmfEmitter {
  const namespace = options.namespace ?? EMF_NAMESPACE;
  const previous = new Map<string, number>();

  return {
    async flush() {
      const documents = new Map<string, Document>();
      const put = (labels: Record<string, string | number>, name: string, value: number | number[]) => {
        const dimensions: Record<string, string> = { Bot: dimensionValue(options.bot) };
        for (const key of Object.keys(labels).sort()) dimensions[key] = dimensionValue(String(labels[key]));
        const id = JSON.stringify(dimensions);
        const doc = documents.get(id) ?? { dimensions, values: new Map() };
        doc.values.set(name, value);
        documents.set(id, doc);
      };

      for (const family of await metrics.registry.getMetricsAsJSON()) {
        // prom-client's typings say an enum; its JSON carries the type's name ('counter', 'gauge', …).
        const type = String(family.type);
        if (type !== 'counter' && type !== 'gauge') continue;
        for (const sample of family.values) {
          const labels = sample.labels as Record<string, string | number>;
          if (type === 'gauge') {
            put(labels, family.name, sample.value);
            continue;
          }
          const key = `${family.name}${JSON.stringify(labels)}`;
          const before = previous.get(key) ?? 0;
          previous.set(key, sample.value);
          // A counter below its previous value was reset (it restarts from zero): all of it is new.
          put(labels, family.name, sample.value >= before ? sample.value - before : sample.value);
        }
      }
      const steps = new Map<string, { kind: string; result: string; values: number[] }>();
      for (const o of metrics.drainSteps()) {
        const id = `${o.kind}\u0000${o.result}`;
        const entry = steps.get(id) ?? { kind: o.kind, result: o.result, values: [] };
        entry.values.push(o.seconds);
        steps.set(id, entry);
      }
      for (const { kind, result, values } of steps.values())
        for (let i = 0; i < values.length; i += MAX_VALUES)
          put({ kind, result }, 'lifeboat_step_duration_seconds', values.slice(i, i + MAX_VALUES));

      const timestamp = options.now();
      for (const doc of documents.values()) {
        const names = [...doc.values.keys()];
        for (let i = 0; i < names.length; i += MAX_METRICS) {
          const chunk = names.slice(i, i + MAX_METRICS);
          const line: Record<string, unknown> = {
            _aws: {
              Timestamp: timestamp,
              CloudWatchMetrics: [
                {
                  Namespace: namespace,
                  Dimensions: [Object.keys(doc.dimensions)],
                  Metrics: chunk.map((name) => ({ Name: name, Unit: unitOf(name) })),
                },
              ],
            },
            ...doc.dimensions,
          };
          for (const name of chunk) line[name] = doc.values.get(name);
          options.write(`${JSON.stringify(line)}\n`);
        }
      }
    },
  };
}
