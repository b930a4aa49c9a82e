import type { ComparisonOperator, StandardUnit, Statistic } from '@aws-sdk/client-cloudwatch';
import type { ParsedPlan } from '../../plan/schema.js';
import { findSeries } from './metrics.js';
import { parseClusterArn } from './seed.js';
import type { World } from './world.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmStatus {
  value: AlarmState;
  reason: string;
  reasonData?: string;
  updatedAt: number;
  transitionedAt: number;
}

export interface MetricAlarm {
  readonly type: 'MetricAlarm';
  readonly name: string;
  readonly region: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly unit?: StandardUnit;
  /** Seconds, as configured; evaluated every `period` realistic seconds (scaled). */
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly treatMissingData: 'missing' | 'breaching' | 'notBreaching' | 'ignore';
  readonly alarmActions: string[];
  readonly okActions: string[];
  readonly configuredAt: number;
  state: AlarmStatus;
  nextEvaluation: number;
  recent: { at: number; value: number | undefined }[];
}

export interface CompositeAlarm {
  readonly type: 'CompositeAlarm';
  readonly name: string;
  readonly region: string;
  readonly description: string;
  readonly rule: string;
  readonly children: string[];
  readonly alarmActions: string[];
  readonly okActions: string[];
  readonly configuredAt: number;
  state: AlarmStatus;
}

export type Alarm = MetricAlarm | CompositeAlarm;

export interface AlarmHistoryItem {
  alarmName: string;
  alarmType: 'MetricAlarm' | 'CompositeAlarm';
  region: string;
  at: number;
  summary: string;
  data: string;
}

const isGlob = (name: string) => /[*?]/.test(name);

/** Seeds CloudWatch alarms named `<service>-<resource>-...` so the plan's alarm rules match them. */
export function seedAlarms(w: World, plan: ParsedPlan): Alarm[] {
  const now = w.time.now();
  const alarms: Alarm[] = [];
  const topicsFor = (region: string) => {
    const local = plan.alarmTopics.filter((arn) => arn.split(':')[3] === region);
    return local.length > 0 ? local : [...plan.alarmTopics];
  };
  const metricAlarm = (
    fields: Omit<
      MetricAlarm,
      | 'type'
      | 'alarmActions'
      | 'okActions'
      | 'configuredAt'
      | 'state'
      | 'nextEvaluation'
      | 'recent'
      | 'datapointsToAlarm'
      | 'treatMissingData'
      | 'period'
    > &
      Partial<Pick<MetricAlarm, 'datapointsToAlarm' | 'treatMissingData' | 'period'>>,
  ): MetricAlarm => ({
    type: 'MetricAlarm',
    period: 60,
    datapointsToAlarm: fields.evaluationPeriods,
    treatMissingData: 'missing',
    ...fields,
    alarmActions: topicsFor(fields.region),
    okActions: topicsFor(fields.region),
    configuredAt: now - 30 * 86_400_000,
    state: {
      value: 'OK',
      reason: 'Threshold Crossed: no datapoints were breaching the threshold.',
      updatedAt: now,
      transitionedAt: now,
    },
    nextEvaluation: now + w.time.toClock((fields.period ?? 60) * 1000),
    recent: [],
  });
  for (const [svcName, svc] of Object.entries(plan.services)) {
    const own: MetricAlarm[] = [];
    for (const r of svc.resources) {
      const base = `${svcName}-${r.id}`;
      switch (r.kind) {
        case 'aurora-global-cluster': {
          const { id, region } = parseClusterArn(r.recoveryClusterArn);
          own.push(
            metricAlarm({
              name: `${base}-replication-lag`,
              region,
              description: `Aurora global database ${r.globalClusterIdentifier}: replication lag to ${id} above the RPO`,
              namespace: 'AWS/RDS',
              metricName: 'AuroraGlobalDBReplicationLag',
              dimensions: { DBClusterIdentifier: id },
              statistic: 'Maximum',
              unit: 'Milliseconds',
              evaluationPeriods: 2,
              threshold: Math.min(svc.rpo, 60_000),
              comparison: 'GreaterThanThreshold',
            }),
          );
          break;
        }
        case 'rds-instance':
          own.push(
            metricAlarm({
              name: `${base}-replica-lag`,
              region: svc.recoveryRegion,
              description: `RDS read replica ${r.replicaInstance}: replica lag above the RPO`,
              namespace: 'AWS/RDS',
              metricName: 'ReplicaLag',
              dimensions: { DBInstanceIdentifier: r.replicaInstance },
              statistic: 'Maximum',
              unit: 'Seconds',
              evaluationPeriods: 2,
              threshold: Math.min(svc.rpo / 1000, 300),
              comparison: 'GreaterThanThreshold',
            }),
          );
          break;
        case 's3-bucket':
          own.push(
            metricAlarm({
              name: `${base}-replication-latency`,
              region: svc.primaryRegion,
              description: `S3 replication ${r.sourceBucket} to ${r.destinationBucket} slower than RTC's 15 minutes`,
              namespace: 'AWS/S3',
              metricName: 'ReplicationLatency',
              dimensions: {
                SourceBucket: r.sourceBucket,
                DestinationBucket: r.destinationBucket,
                RuleId: r.replicationRuleId ?? 'replicate-all',
              },
              statistic: 'Maximum',
              unit: 'Seconds',
              evaluationPeriods: 2,
              threshold: 900,
              comparison: 'GreaterThanThreshold',
            }),
          );
          break;
        case 'dynamodb-global-table':
          own.push(
            metricAlarm({
              name: `${base}-replication-latency`,
              region: svc.primaryRegion,
              description: `DynamoDB global table ${r.tableName}: replication to ${svc.recoveryRegion} above the RPO`,
              namespace: 'AWS/DynamoDB',
              metricName: 'ReplicationLatency',
              dimensions: { TableName: r.tableName, ReceivingRegion: svc.recoveryRegion },
              statistic: 'Average',
              unit: 'Milliseconds',
              evaluationPeriods: 2,
              threshold: Math.min(svc.rpo, 60_000),
              comparison: 'GreaterThanThreshold',
            }),
          );
          break;
        case 'route53':
          own.push(
            metricAlarm({
              name: `${base}-primary-unhealthy`,
              region: 'us-east-1',
              description: `Route 53 health check ${r.primaryHealthCheckId} for ${r.recordName} (${svc.primaryRegion}) is failing`,
              namespace: 'AWS/Route53',
              metricName: 'HealthCheckStatus',
              dimensions: { HealthCheckId: r.primaryHealthCheckId },
              statistic: 'Minimum',
              evaluationPeriods: 1,
              threshold: 1,
              comparison: 'LessThanThreshold',
            }),
          );
          break;
        case 'ec2':
          for (const id of r.primaryInstances.slice(0, 1)) {
            own.push(
              metricAlarm({
                name: `${base}-status-check-failed`,
                region: svc.primaryRegion,
                description: `EC2 instance ${id} fails its status checks`,
                namespace: 'AWS/EC2',
                metricName: 'StatusCheckFailed',
                dimensions: { InstanceId: id },
                statistic: 'Maximum',
                unit: 'Count',
                evaluationPeriods: 2,
                threshold: 1,
                comparison: 'GreaterThanOrEqualToThreshold',
              }),
            );
          }
          break;
      }
    }
    // Exact alarm names from the plan's rules exist too, tied to the service's first primary-side signal.
    const signal = own[0];
    for (const rule of svc.alarms) {
      if (!rule.name || isGlob(rule.name) || own.some((a) => a.name === rule.name) || !signal) continue;
      own.push(
        metricAlarm({
          ...signal,
          name: rule.name,
          description: `${rule.name} (sandbox: tracks ${signal.metricName})`,
        }),
      );
    }
    alarms.push(...own);
    if (own.length >= 2) {
      const children = own.map((a) => a.name);
      alarms.push({
        type: 'CompositeAlarm',
        name: `${svcName}-region-impaired`,
        region: svc.primaryRegion,
        description: `Any of ${svcName}'s DR signals is in ALARM`,
        rule: children.map((c) => `ALARM("${c}")`).join(' OR '),
        children,
        alarmActions: topicsFor(svc.primaryRegion),
        okActions: topicsFor(svc.primaryRegion),
        configuredAt: now - 30 * 86_400_000,
        state: { value: 'OK', reason: 'No child alarm is in ALARM.', updatedAt: now, transitionedAt: now },
      });
    }
  }
  return alarms;
}

function breaches(a: MetricAlarm, v: number): boolean {
  switch (a.comparison) {
    case 'GreaterThanThreshold':
      return v > a.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return v >= a.threshold;
    case 'LessThanThreshold':
      return v < a.threshold;
    case 'LessThanOrEqualToThreshold':
      return v <= a.threshold;
    default:
      return false;
  }
}

const OP_TEXT: Readonly<Record<string, string>> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

const num = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v * 1000) / 1000));
const shortDate = (t: number) => {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};

/** Evaluates one period of a metric alarm at `at`; returns the new status if the state changed. */
export function evaluateMetricAlarm(w: World, a: MetricAlarm, at: number): AlarmStatus | undefined {
  const series = findSeries(
    w,
    a.region,
    a.namespace,
    a.metricName,
    Object.entries(a.dimensions).map(([Name, Value]) => ({ Name, Value })),
  );
  a.recent = [{ at, value: series?.value(at) }, ...a.recent].slice(0, a.evaluationPeriods);
  const present = a.recent.filter((d): d is { at: number; value: number } => d.value !== undefined);
  const missing = a.recent.length - present.length;
  const breaching =
    present.filter((d) => breaches(a, d.value)).length + (a.treatMissingData === 'breaching' ? missing : 0);
  let next: AlarmState;
  if (breaching >= a.datapointsToAlarm) next = 'ALARM';
  else if (present.length === 0 && a.treatMissingData === 'missing') next = 'INSUFFICIENT_DATA';
  else next = 'OK';
  if (next === a.state.value) return undefined;
  const shown = present.slice(0, a.evaluationPeriods);
  const list = shown.map((d) => `${num(d.value)} (${shortDate(d.at)})`).join(', ');
  const verb = next === 'ALARM' ? (breaching === 1 ? 'was' : 'were') : breaching === 1 ? 'was' : 'were';
  const reason =
    next === 'INSUFFICIENT_DATA'
      ? `Insufficient Data: ${a.recent.length} datapoint${a.recent.length === 1 ? ' was' : 's were'} unknown.`
      : next === 'ALARM'
        ? `Threshold Crossed: ${breaching} out of the last ${a.evaluationPeriods} datapoints [${list}] ${verb} ${OP_TEXT[a.comparison] ?? a.comparison} the threshold (${num(a.threshold)}) (minimum ${a.datapointsToAlarm} datapoint${a.datapointsToAlarm === 1 ? '' : 's'} for OK -> ALARM transition).`
        : `Threshold Crossed: ${shown.length - breaching} out of the last ${a.evaluationPeriods} datapoints [${list}] ${shown.length - breaching === 1 ? 'was' : 'were'} not ${OP_TEXT[a.comparison] ?? a.comparison} the threshold (${num(a.threshold)}) (minimum 1 datapoint for ALARM -> OK transition).`;
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: isoMillis(at),
    startDate: isoMillis(shown.at(-1)?.at ?? at),
    statistic: a.statistic,
    period: a.period,
    recentDatapoints: shown.map((d) => d.value),
    threshold: a.threshold,
    evaluatedDatapoints: shown.map((d) => ({ timestamp: isoMillis(d.at), sampleCount: 1, value: d.value })),
  });
  return { value: next, reason, reasonData, updatedAt: at, transitionedAt: at };
}

export function evaluateComposite(
  a: CompositeAlarm,
  states: ReadonlyMap<string, AlarmState>,
  at: number,
): AlarmStatus | undefined {
  const inAlarm = a.children.filter((c) => states.get(c) === 'ALARM');
  const next: AlarmState = inAlarm.length > 0 ? 'ALARM' : 'OK';
  if (next === a.state.value) return undefined;
  const reason =
    next === 'ALARM'
      ? `arn:aws:cloudwatch:${a.region}:alarm:${inAlarm[0]} transitioned to ALARM at ${new Date(at).toUTCString()}`
      : 'No child alarm is in ALARM.';
  return { value: next, reason, updatedAt: at, transitionedAt: at };
}

/** CloudWatch's timestamp format in alarm notifications: `2026-11-21T09:05:00.000+0000`. */
export const isoMillis = (t: number): string => new Date(t).toISOString().replace('Z', '+0000');
