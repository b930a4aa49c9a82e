import type {
  Datapoint,
  DescribeAlarmHistoryCommandInput,
  DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  GetMetricStatisticsCommandInput,
  GetMetricStatisticsCommandOutput,
  MetricDataResult,
  CompositeAlarm as SdkCompositeAlarm,
  MetricAlarm as SdkMetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import type { Alarm } from './alarms.js';
import { alarmArn, type CloudWatchState } from './alarms-notify.js';
import { awsError } from './errors.js';
import { findSeries, type Series } from './metrics.js';
import type { Registry } from './registry.js';
import type { World } from './world.js';

/** The fields metric and composite alarms share in DescribeAlarms. */
function alarmFields(w: World, a: Alarm) {
  return {
    AlarmName: a.name,
    AlarmArn: alarmArn(w, a),
    AlarmDescription: a.description,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configuredAt),
    ActionsEnabled: true,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: [],
    StateValue: a.state.value,
    StateReason: a.state.reason,
    StateUpdatedTimestamp: new Date(a.state.updatedAt),
    StateTransitionedTimestamp: new Date(a.state.transitionedAt),
  } satisfies SdkMetricAlarm & SdkCompositeAlarm;
}

function metricAlarmShape(w: World, a: Alarm & { type: 'MetricAlarm' }): SdkMetricAlarm {
  return {
    ...alarmFields(w, a),
    ...(a.state.reasonData ? { StateReasonData: a.state.reasonData } : {}),
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Dimensions: Object.entries(a.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Period: a.period,
    ...(a.unit ? { Unit: a.unit } : {}),
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
  };
}

function compositeShape(w: World, a: Alarm & { type: 'CompositeAlarm' }): SdkCompositeAlarm {
  return { ...alarmFields(w, a), AlarmRule: a.rule };
}

/**
 * Datapoints per period bucket, sampled at the bucket's start, middle and end (never after `now`), and at `now`
 * for the current period. A period is simulated time (a 60 s period at scale 2000 is 30 ms of clock), as every
 * other simulated duration: measured in clock time, one "1-minute" period would hold hours of simulated
 * history, so a value that changed simulated hours ago would still show in the newest period and a wait for a
 * steady minute (Route 53's HealthCheckStatus back to Minimum 1) would last up to a clock minute.
 */
function buckets(w: World, series: Series, start: number, end: number, periodS: number, now: number) {
  const p = Math.max(1, w.time.toClock(periodS * 1000));
  const out: { at: number; values: number[] }[] = [];
  let first = Math.floor(start / p) * p;
  if (Math.floor((end - first) / p) > 1440) first = end - 1440 * p;
  for (let s = first; s < end && s <= now; s += p) {
    // The current, partial period also samples "now", as CloudWatch reports partial data for it.
    const last = Math.min(end, now);
    const values = [s, s + p / 2, s + p, ...(last > s && last < s + p ? [last] : [])]
      .filter((t) => t >= start && t <= last)
      .map((t) => series.value(t))
      .filter((v): v is number => v !== undefined);
    if (values.length > 0) out.push({ at: s, values });
  }
  return out;
}

function stat(values: number[], name: string): number {
  switch (name) {
    case 'Minimum':
      return Math.min(...values);
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    default:
      return Math.max(...values); // Maximum and percentiles
  }
}

export function registerCloudWatch(registry: Registry, cw: CloudWatchState): void {
  registry
    .on<GetMetricDataCommandInput, GetMetricDataCommandOutput>(
      'cloudwatch:GetMetricData',
      (input, { world, region }) => {
        const start = input.StartTime?.getTime() ?? 0;
        const end = input.EndTime?.getTime() ?? world.time.now();
        const results: MetricDataResult[] = (input.MetricDataQueries ?? []).map((q) => {
          if (!q.MetricStat) {
            return {
              Id: q.Id,
              Label: q.Label ?? q.Id,
              Timestamps: [],
              Values: [],
              StatusCode: 'InternalError',
              Messages: [
                { Code: 'Unsupported', Value: 'The sandbox does not evaluate metric math expressions.' },
              ],
            };
          }
          const m = q.MetricStat.Metric;
          const series = findSeries(world, region, m?.Namespace, m?.MetricName, m?.Dimensions);
          const points = series
            ? buckets(world, series, start, end, q.MetricStat.Period ?? 60, world.time.now())
            : [];
          if (input.ScanBy !== 'TimestampAscending') points.reverse();
          return {
            Id: q.Id,
            Label: q.Label ?? m?.MetricName,
            Timestamps: points.map((b) => new Date(b.at)),
            Values: points.map((b) => stat(b.values, q.MetricStat?.Stat ?? 'Average')),
            StatusCode: 'Complete',
          };
        });
        return { MetricDataResults: results, Messages: [] };
      },
    )
    .on<GetMetricStatisticsCommandInput, GetMetricStatisticsCommandOutput>(
      'cloudwatch:GetMetricStatistics',
      (input, { world, region }) => {
        const series = findSeries(world, region, input.Namespace, input.MetricName, input.Dimensions);
        const start = input.StartTime?.getTime() ?? 0;
        const end = input.EndTime?.getTime() ?? world.time.now();
        const points = series ? buckets(world, series, start, end, input.Period ?? 60, world.time.now()) : [];
        const datapoints: Datapoint[] = points.map((b) => ({
          Timestamp: new Date(b.at),
          ...(series ? { Unit: input.Unit ?? series.unit } : {}),
          ...Object.fromEntries((input.Statistics ?? []).map((s) => [s, stat(b.values, s)])),
          ...(input.ExtendedStatistics
            ? {
                ExtendedStatistics: Object.fromEntries(
                  input.ExtendedStatistics.map((s) => [s, stat(b.values, s)]),
                ),
              }
            : {}),
        }));
        return { Label: input.MetricName, Datapoints: datapoints };
      },
    )
    .on<DescribeAlarmsCommandInput, DescribeAlarmsCommandOutput>(
      'cloudwatch:DescribeAlarms',
      (input, { world, region }) => {
        if (input.AlarmNames && input.AlarmNamePrefix)
          throw awsError(
            'cloudwatch',
            'InvalidParameterCombination',
            'AlarmNames and AlarmNamePrefix cannot be used together.',
          );
        const types = input.AlarmTypes ?? ['MetricAlarm'];
        const found = cw.alarms.filter(
          (a) =>
            a.region === region &&
            types.includes(a.type) &&
            (!input.AlarmNames || input.AlarmNames.includes(a.name)) &&
            (!input.AlarmNamePrefix || a.name.startsWith(input.AlarmNamePrefix)) &&
            (!input.StateValue || a.state.value === input.StateValue) &&
            (!input.ActionPrefix || a.alarmActions.some((x) => x.startsWith(input.ActionPrefix ?? ''))),
        );
        const offset = Number(input.NextToken ?? 0);
        const page = found.slice(offset, offset + (input.MaxRecords ?? 100));
        const next = offset + page.length < found.length ? String(offset + page.length) : undefined;
        return {
          MetricAlarms: page.filter((a) => a.type === 'MetricAlarm').map((a) => metricAlarmShape(world, a)),
          CompositeAlarms: page
            .filter((a) => a.type === 'CompositeAlarm')
            .map((a) => compositeShape(world, a)),
          ...(next ? { NextToken: next } : {}),
        };
      },
    )
    .on<DescribeAlarmHistoryCommandInput, DescribeAlarmHistoryCommandOutput>(
      'cloudwatch:DescribeAlarmHistory',
      (input, { region }) => {
        const from = input.StartDate?.getTime() ?? Number.NEGATIVE_INFINITY;
        const to = input.EndDate?.getTime() ?? Number.POSITIVE_INFINITY;
        const items = cw.history
          .filter(
            (h) =>
              h.region === region &&
              (!input.AlarmName || h.alarmName === input.AlarmName) &&
              (!input.HistoryItemType || input.HistoryItemType === 'StateUpdate') &&
              (!input.AlarmTypes || input.AlarmTypes.includes(h.alarmType)) &&
              h.at >= from &&
              h.at <= to,
          )
          .sort((a, b) => (input.ScanBy === 'TimestampAscending' ? a.at - b.at : b.at - a.at))
          .slice(0, input.MaxRecords ?? 100);
        return {
          AlarmHistoryItems: items.map((h) => ({
            AlarmName: h.alarmName,
            AlarmType: h.alarmType,
            Timestamp: new Date(h.at),
            HistoryItemType: 'StateUpdate',
            HistorySummary: h.summary,
            HistoryData: h.data,
          })),
        };
      },
    );
}
