import type { ComparisonOperator, StandardUnit, Statistic } from '@aws-sdk/client-cloudwatch';
import { findSeries } from './metrics.js';
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
