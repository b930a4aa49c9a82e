import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sdk } from './sdk.js';

/**
 * Route 53 publishes its health check metrics in US East (N. Virginia) only (Route 53 Developer Guide,
 * "Monitoring health checks using CloudWatch"): read them with a us-east-1 CloudWatch client, and expect them
 * to be unreadable while us-east-1 is impaired.
 */
export const ROUTE53_METRICS_REGION = 'us-east-1';

/** Runs one AWS call under the caller's time budget and error tagging. */
export type Run = <T>(action: string, fn: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * What Route 53 itself decides about a health check, as its `HealthCheckStatus` metric shows it (1 healthy,
 * 0 unhealthy; after Inverted and after the >18% of checkers rule), in the newest 1-minute period:
 * healthy when its Minimum is 1, unhealthy when its Maximum is 0, `changing` when it flipped within the
 * minute, `undefined` when there is no datapoint in the last 5 minutes. GetHealthCheckStatus is not used: it
 * lists each checker's view of the endpoint (before Inverted) and AWS says it is not for production use.
 */
export async function routedHealth(
  cloudwatch: CloudWatchClient,
  healthCheckId: string,
  now: number,
  run: Run,
): Promise<{ healthy: boolean | 'changing' | undefined; text: string }> {
  const metric = {
    Namespace: 'AWS/Route53',
    MetricName: 'HealthCheckStatus',
    Dimensions: [{ Name: 'HealthCheckId', Value: healthCheckId }],
  };
  const out = await run('cloudwatch:GetMetricData', (abortSignal) =>
    cloudwatch.send(
      new (sdk.cloudwatch().GetMetricDataCommand)({
        StartTime: new Date(now - 5 * 60_000),
        EndTime: new Date(now),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: (['Minimum', 'Maximum'] as const).map((Stat) => ({
          Id: Stat.toLowerCase(),
          ReturnData: true,
          MetricStat: { Metric: metric, Period: 60, Stat },
        })),
      }),
      { abortSignal },
    ),
  );
  const newest = (id: string) => {
    const r = out.MetricDataResults?.find((x) => x.Id === id);
    let best: { at: number; value: number } | undefined;
    (r?.Values ?? []).forEach((value, i) => {
      const at = r?.Timestamps?.[i]?.getTime();
      if (at !== undefined && (!best || at > best.at)) best = { at, value };
    });
    return best?.value;
  };
  const min = newest('minimum');
  const max = newest('maximum');
  if (min === undefined || max === undefined)
    return { healthy: undefined, text: `no HealthCheckStatus datapoint for ${healthCheckId} in 5 min` };
  if (min >= 1) return { healthy: true, text: `Route 53 reports ${healthCheckId} healthy` };
  if (max <= 0) return { healthy: false, text: `Route 53 reports ${healthCheckId} unhealthy` };
  return {
    healthy: 'changing',
    text: `Route 53's status of ${healthCheckId} changed within the last minute`,
  };
}
