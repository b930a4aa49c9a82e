import {
  type Alarm,
  type AlarmHistoryItem,
  type AlarmState,
  type AlarmStatus,
  evaluateComposite,
  evaluateMetricAlarm,
  isoMillis,
} from './alarms.js';
import { REGION_NAMES, type World } from './world.js';

export interface CloudWatchState {
  readonly alarms: Alarm[];
  readonly history: AlarmHistoryItem[];
}

export type AlarmNotify = (alarm: Alarm, old: AlarmState, subject: string, message: string) => void;

export const alarmArn = (w: World, a: Alarm) => `arn:aws:cloudwatch:${a.region}:${w.account}:alarm:${a.name}`;

/** Runs every alarm evaluation that is due (one per scaled period), then the composites. */
export function evaluateAlarms(w: World, cw: CloudWatchState, now: number, notify: AlarmNotify): void {
  const transition = (a: Alarm, status: AlarmStatus) => {
    const old = a.state.value;
    a.state = status;
    cw.history.push({
      alarmName: a.name,
      alarmType: a.type,
      region: a.region,
      at: status.updatedAt,
      summary: `Alarm updated from ${old} to ${status.value}`,
      data: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: old },
        newState: { stateValue: status.value, stateReason: status.reason },
      }),
    });
    w.events.emit('alarm', {
      name: a.name,
      region: a.region,
      from: old,
      to: status.value,
      reason: status.reason,
      at: status.updatedAt,
    });
    const { subject, message } = alarmNotification(w, a, old, cw.alarms);
    notify(a, old, subject, message);
  };
  for (const a of cw.alarms) {
    if (a.type !== 'MetricAlarm') continue;
    const step = w.time.toClock(a.period * 1000);
    for (let i = 0; a.nextEvaluation <= now && i < 50; i++) {
      const status = evaluateMetricAlarm(w, a, a.nextEvaluation);
      if (status) transition(a, status);
      a.nextEvaluation += step;
    }
    if (a.nextEvaluation <= now) a.nextEvaluation = now + step;
  }
  const states = new Map(cw.alarms.map((a) => [a.name, a.state.value]));
  for (const a of cw.alarms) {
    if (a.type !== 'CompositeAlarm') continue;
    const status = evaluateComposite(a, states, now);
    if (status) transition(a, status);
  }
}

/** The JSON CloudWatch publishes to SNS on a state change, and its Subject. */
export function alarmNotification(
  w: World,
  a: Alarm,
  old: AlarmState,
  all: readonly Alarm[],
): { subject: string; message: string } {
  const regionName = REGION_NAMES[a.region] ?? a.region;
  const common = {
    AlarmName: a.name,
    AlarmDescription: a.description,
    AWSAccountId: w.account,
    AlarmConfigurationUpdatedTimestamp: isoMillis(a.configuredAt),
    NewStateValue: a.state.value,
    NewStateReason: a.state.reason,
    StateChangeTime: isoMillis(a.state.updatedAt),
    Region: regionName,
    AlarmArn: alarmArn(w, a),
    OldStateValue: old,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: [],
  };
  const body =
    a.type === 'MetricAlarm'
      ? {
          ...common,
          Trigger: {
            MetricName: a.metricName,
            Namespace: a.namespace,
            StatisticType: 'Statistic',
            Statistic: a.statistic.toUpperCase(),
            Unit: a.unit ?? null,
            Dimensions: Object.entries(a.dimensions).map(([name, value]) => ({ value, name })),
            Period: a.period,
            EvaluationPeriods: a.evaluationPeriods,
            DatapointsToAlarm: a.datapointsToAlarm,
            ComparisonOperator: a.comparison,
            Threshold: a.threshold,
            TreatMissingData: a.treatMissingData,
            EvaluateLowSampleCountPercentile: '',
          },
        }
      : {
          ...common,
          AlarmRule: a.rule,
          TriggeringChildren: all
            .filter((c) => a.children.includes(c.name) && c.state.value === a.state.value)
            .map((c) => ({
              Arn: alarmArn(w, c),
              State: { Value: c.state.value, Timestamp: isoMillis(c.state.updatedAt) },
            })),
        };
  const subject = `${a.state.value}: "${a.name}" in ${regionName}`;
  return {
    subject: subject.length > 100 ? `${subject.slice(0, 97)}...` : subject,
    message: JSON.stringify(body),
  };
}
