import { z } from 'zod';
import type { AlarmState } from '../domain/records.js';
import { regionCode, regionFromArn } from './regions.js';

/**
 * CloudWatch alarm notifications as CloudWatch publishes them to SNS (the `Message` of the SNS
 * envelope, or the SQS body under raw delivery): metric alarms (`Trigger.MetricName`), metric-math
 * and anomaly-detection alarms (`Trigger.Metrics`), and composite alarms (`AlarmRule`,
 * `TriggeringChildren`, no `Trigger`). Unknown extra fields are allowed (AWS adds them); the fields
 * Lifeboat relies on are checked. `parseAlarmMessage` normalises every shape into one AlarmEvent.
 */

const state = z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']);
const text = z.string().max(10_000);
const dimension = z.looseObject({ name: z.string(), value: z.string() });

const metricStat = z.looseObject({
  Metric: z.looseObject({
    Namespace: text.optional(),
    MetricName: text,
    Dimensions: z.array(dimension).max(30).optional(),
  }),
  Period: z.number().optional(),
  Stat: text.optional(),
});

const metricQuery = z.looseObject({
  Id: text,
  Expression: text.optional(),
  Label: text.nullish(),
  MetricStat: metricStat.optional(),
  ReturnData: z.boolean().optional(),
});

const comparison = {
  ComparisonOperator: text.optional(),
  Threshold: z.number().nullish(),
  ThresholdMetricId: text.nullish(),
  EvaluationPeriods: z.number().optional(),
  DatapointsToAlarm: z.number().nullish(),
  Period: z.number().optional(),
};

const singleMetricTrigger = z.looseObject({
  ...comparison,
  MetricName: text,
  Namespace: text.optional(),
  Statistic: text.nullish(),
  ExtendedStatistic: text.nullish(),
  Unit: text.nullish(),
  Dimensions: z.array(dimension).max(30).optional(),
});

const mathTrigger = z.looseObject({ ...comparison, Metrics: z.array(metricQuery).min(1).max(100) });

const common = {
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: text.nullish(),
  AWSAccountId: text.optional(),
  NewStateValue: state,
  NewStateReason: text.optional(),
  StateChangeTime: text,
  Region: text.optional(),
  AlarmArn: z.string().startsWith('arn:').max(2_048).optional(),
  OldStateValue: state.optional(),
};

export const metricAlarmSchema = z.looseObject({
  ...common,
  Trigger: z.union([singleMetricTrigger, mathTrigger]),
});

export const compositeAlarmSchema = z.looseObject({
  ...common,
  AlarmRule: z.string().min(1).max(10_240),
  TriggeringChildren: z
    .array(
      z.looseObject({
        Arn: text,
        State: z.looseObject({ Value: state, Timestamp: text.optional() }).optional(),
      }),
    )
    .max(100)
    .optional(),
});

export type AlarmKind = 'metric' | 'metric-math' | 'composite' | 'probe';

/** One alarm state change, whatever its shape; what incidents are built from. */
export interface AlarmEvent {
  readonly name: string;
  readonly arn?: string;
  readonly kind: AlarmKind;
  readonly state: AlarmState;
  readonly previousState?: AlarmState;
  readonly reason: string;
  readonly changedAtMs: number;
  /** Region code ("us-east-1"), from the ARN or the long name. */
  readonly region?: string;
  readonly account?: string;
  readonly description?: string;
  /** What is watched: metric and condition, the math expression, or the composite rule. */
  readonly watching: string;
  readonly triggeringChildren?: readonly string[];
}

export class AlarmParseError extends Error {
  constructor(
    readonly reason: 'not_json' | 'not_an_alarm' | 'bad_time',
    message: string,
  ) {
    super(message);
    this.name = 'AlarmParseError';
  }
}

/** CloudWatch writes `2026-11-21T09:05:00.000+0000` (no colon in the offset). */
export function parseAlarmTime(value: string): number | undefined {
  const iso = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

const OPERATORS: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside band',
  LessThanLowerThreshold: 'below band',
  GreaterThanUpperThreshold: 'above band',
};

function condition(trigger: z.infer<typeof singleMetricTrigger> | z.infer<typeof mathTrigger>): string {
  const op = trigger.ComparisonOperator
    ? (OPERATORS[trigger.ComparisonOperator] ?? trigger.ComparisonOperator)
    : '';
  const threshold = trigger.Threshold ?? trigger.ThresholdMetricId ?? '';
  const periods =
    trigger.EvaluationPeriods !== undefined
      ? ` for ${trigger.DatapointsToAlarm ?? trigger.EvaluationPeriods} of ${trigger.EvaluationPeriods} × ${trigger.Period ?? '?'}s`
      : '';
  return `${op} ${threshold}${periods}`.trim();
}

const dims = (d: readonly { name: string; value: string }[] | undefined) =>
  d && d.length > 0 ? ` (${d.map((x) => `${x.name}=${x.value}`).join(', ')})` : '';

function describeTrigger(trigger: z.infer<typeof metricAlarmSchema>['Trigger']): {
  kind: AlarmKind;
  watching: string;
} {
  if ('Metrics' in trigger && Array.isArray(trigger.Metrics)) {
    const math = trigger as z.infer<typeof mathTrigger>;
    const returned = math.Metrics.find((m) => m.ReturnData) ?? math.Metrics[0];
    const expression =
      returned?.Expression ??
      (returned?.MetricStat
        ? `${returned.MetricStat.Metric.Namespace ?? ''} ${returned.MetricStat.Metric.MetricName}${dims(returned.MetricStat.Metric.Dimensions)}`.trim()
        : (returned?.Id ?? '?'));
    const label = returned?.Label ? `${returned.Label}: ` : '';
    return { kind: 'metric-math', watching: `${label}${expression} ${condition(math)}`.trim() };
  }
  const single = trigger as z.infer<typeof singleMetricTrigger>;
  const stat = single.Statistic ?? single.ExtendedStatistic;
  return {
    kind: 'metric',
    watching:
      `${single.Namespace ?? ''} ${single.MetricName}${dims(single.Dimensions)}${stat ? ` ${stat.toLowerCase()}` : ''} ${condition(single)}`.trim(),
  };
}

/** Parses a CloudWatch alarm notification (JSON text); throws AlarmParseError naming what is wrong. */
export function parseAlarmMessage(message: string): AlarmEvent {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new AlarmParseError('not_json', 'the notification message is not JSON');
  }
  const isComposite = typeof json === 'object' && json !== null && 'AlarmRule' in json;
  const composite = isComposite ? compositeAlarmSchema.safeParse(json) : undefined;
  const metric = isComposite ? undefined : metricAlarmSchema.safeParse(json);
  const parsed = composite ?? metric;
  if (!parsed?.success) {
    const first = parsed?.error.issues[0];
    throw new AlarmParseError(
      'not_an_alarm',
      `not a CloudWatch alarm notification: ${first?.path.join('.') || '(root)'} ${first?.message ?? ''}`.trim(),
    );
  }
  const alarm = parsed.data;
  const changedAtMs = parseAlarmTime(alarm.StateChangeTime);
  if (changedAtMs === undefined)
    throw new AlarmParseError(
      'bad_time',
      `StateChangeTime "${alarm.StateChangeTime.slice(0, 40)}" is not a time`,
    );
  const region = regionFromArn(alarm.AlarmArn) ?? (alarm.Region ? regionCode(alarm.Region) : undefined);
  const shape: { kind: AlarmKind; watching: string; triggeringChildren?: string[] } = composite?.success
    ? {
        kind: 'composite',
        watching: composite.data.AlarmRule,
        triggeringChildren: (composite.data.TriggeringChildren ?? []).map(
          (c) => c.Arn.split(':alarm:').pop() ?? c.Arn,
        ),
      }
    : metric?.success
      ? describeTrigger(metric.data.Trigger)
      : { kind: 'metric', watching: '' };
  return {
    name: alarm.AlarmName,
    ...(alarm.AlarmArn ? { arn: alarm.AlarmArn } : {}),
    state: alarm.NewStateValue,
    ...(alarm.OldStateValue ? { previousState: alarm.OldStateValue } : {}),
    reason: alarm.NewStateReason ?? '',
    changedAtMs,
    ...(region ? { region } : {}),
    ...(alarm.AWSAccountId ? { account: alarm.AWSAccountId } : {}),
    ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
    ...shape,
  };
}
