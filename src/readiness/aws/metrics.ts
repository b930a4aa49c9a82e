import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sdk } from '../../adapters/aws/sdk.js';
import type { CheckContext } from '../types.js';
import { awsCall } from './call.js';

export interface MetricQuery {
  /** Query id: starts with a lowercase letter; letters, digits and underscores. */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat?: 'Maximum' | 'Average' | 'Sum';
}

export interface MetricPoint {
  readonly value: number;
  readonly at: number;
}

/** How far back we look for the newest datapoint. */
export const METRIC_WINDOW_MS = 15 * 60_000;

/** Newest datapoint of each query in the last METRIC_WINDOW_MS (1-minute periods), undefined when none. */
export async function latestMetrics(
  ctx: CheckContext,
  cloudwatch: CloudWatchClient,
  queries: readonly MetricQuery[],
): Promise<Map<string, MetricPoint | undefined>> {
  const output = await awsCall(ctx, 'cloudwatch:GetMetricData', (abortSignal) =>
    cloudwatch.send(
      new (sdk.cloudwatch().GetMetricDataCommand)({
        StartTime: new Date(ctx.now - METRIC_WINDOW_MS),
        EndTime: new Date(ctx.now),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: queries.map((q) => ({
          Id: q.id,
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: q.namespace,
              MetricName: q.metricName,
              Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: q.stat ?? 'Maximum',
          },
        })),
      }),
      { abortSignal },
    ),
  );
  const points = new Map<string, MetricPoint | undefined>(queries.map((q) => [q.id, undefined]));
  for (const result of output.MetricDataResults ?? []) {
    if (!result.Id) continue;
    let best: MetricPoint | undefined;
    const values = result.Values ?? [];
    const stamps = result.Timestamps ?? [];
    for (let i = 0; i < values.length; i++) {
      const at = stamps[i]?.getTime();
      const value = values[i];
      if (at === undefined || value === undefined) continue;
      if (!best || at > best.at) best = { value, at };
    }
    points.set(result.Id, best);
  }
  return points;
}
