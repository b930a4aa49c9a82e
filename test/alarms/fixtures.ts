/**
 * CloudWatch alarm notifications in AWS's documented shapes (the `Message` CloudWatch publishes to
 * SNS): a metric alarm, a metric-math alarm (`Trigger.Metrics`), an anomaly-detection alarm
 * (`ThresholdMetricId`) and a composite alarm (`AlarmRule`, `TriggeringChildren`).
 */
type State = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

export const ACCOUNT = '123456789012';
export const cwTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const arn = (region: string, name: string) => `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${name}`;

const common = (
  name: string,
  state: State,
  at: number,
  old: State,
  region = 'us-east-1',
  regionName = 'US East (N. Virginia)',
) => ({
  AlarmName: name,
  AlarmDescription: `${name} description`,
  AWSAccountId: ACCOUNT,
  AlarmConfigurationUpdatedTimestamp: '2026-01-05T10:00:00.000+0000',
  NewStateValue: state,
  NewStateReason:
    state === 'ALARM'
      ? 'Threshold Crossed: 1 out of the last 1 datapoints [2500.0 (21/11/26 09:00:00)] was greater than the threshold (1000.0) (minimum 1 datapoint for OK -> ALARM transition).'
      : 'Threshold Crossed: 1 out of the last 1 datapoints [12.0 (21/11/26 09:05:00)] was not greater than the threshold (1000.0) (minimum 1 datapoint for ALARM -> OK transition).',
  StateChangeTime: cwTime(at),
  Region: regionName,
  AlarmArn: arn(region, name),
  OldStateValue: old,
  OKActions: [`arn:aws:sns:${region}:${ACCOUNT}:lifeboat-alarms`],
  AlarmActions: [`arn:aws:sns:${region}:${ACCOUNT}:lifeboat-alarms`],
  InsufficientDataActions: [],
});

export function metricAlarm(
  name: string,
  state: State,
  at: number,
  old: State = state === 'ALARM' ? 'OK' : 'ALARM',
) {
  return JSON.stringify({
    ...common(name, state, at, old),
    Trigger: {
      MetricName: 'AuroraGlobalDBReplicationLag',
      Namespace: 'AWS/RDS',
      StatisticType: 'Statistic',
      Statistic: 'AVERAGE',
      Unit: null,
      Dimensions: [{ value: 'payments-use1', name: 'DBClusterIdentifier' }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1000.0,
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
  });
}

export function mathAlarm(name: string, state: State, at: number) {
  return JSON.stringify({
    ...common(name, state, at, state === 'ALARM' ? 'OK' : 'ALARM', 'eu-west-1', 'EU (Ireland)'),
    Trigger: {
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5.0,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
      Metrics: [
        { Expression: '100 * errors / requests', Id: 'e1', Label: 'Error rate', ReturnData: true },
        {
          Id: 'errors',
          MetricStat: {
            Metric: {
              Dimensions: [{ value: 'payments-alb', name: 'LoadBalancer' }],
              MetricName: 'HTTPCode_Target_5XX_Count',
              Namespace: 'AWS/ApplicationELB',
            },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: false,
        },
        {
          Id: 'requests',
          MetricStat: {
            Metric: {
              Dimensions: [{ value: 'payments-alb', name: 'LoadBalancer' }],
              MetricName: 'RequestCount',
              Namespace: 'AWS/ApplicationELB',
            },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: false,
        },
      ],
    },
  });
}

export function anomalyAlarm(name: string, state: State, at: number) {
  return JSON.stringify({
    ...common(name, state, at, 'OK', 'sa-east-1', 'South America (Sao Paulo)'),
    Trigger: {
      Period: 300,
      EvaluationPeriods: 2,
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      ThresholdMetricId: 'ad1',
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: '',
      Metrics: [
        {
          Expression: 'ANOMALY_DETECTION_BAND(m1, 2)',
          Id: 'ad1',
          Label: 'CPUUtilization (expected)',
          ReturnData: true,
        },
        {
          Id: 'm1',
          MetricStat: {
            Metric: {
              Dimensions: [{ value: 'i-0a1b2c3d4e5f60001', name: 'InstanceId' }],
              MetricName: 'CPUUtilization',
              Namespace: 'AWS/EC2',
            },
            Period: 300,
            Stat: 'Average',
          },
          ReturnData: true,
        },
      ],
    },
  });
}

export function compositeAlarm(name: string, state: State, at: number, children: string[]) {
  const { OKActions: _o, ...rest } = common(name, state, at, state === 'ALARM' ? 'OK' : 'ALARM');
  return JSON.stringify({
    ...rest,
    OKActions: [],
    NewStateReason:
      state === 'ALARM'
        ? `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${children[0]} transitioned to ALARM at ${new Date(at).toUTCString()}`
        : 'No child alarm is in ALARM.',
    AlarmRule: children.map((c) => `ALARM("${c}")`).join(' OR '),
    TriggeringChildren: children.map((c) => ({
      Arn: arn('us-east-1', c),
      State: { Value: state, Timestamp: cwTime(at) },
    })),
  });
}
