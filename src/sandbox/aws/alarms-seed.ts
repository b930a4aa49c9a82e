import type { ParsedPlan } from '../../plan/schema.js';
import type { Alarm, MetricAlarm } from './alarms.js';
import { parseClusterArn } from './seed.js';
import type { World } from './world.js';

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
      const base = r.id.startsWith(`${svcName}-`) ? r.id : `${svcName}-${r.id}`;
      switch (r.kind) {
        case 'aurora-global-cluster': {
          const { id, region } = parseClusterArn(r.recoveryClusterArn);
          const sourceRegion = parseClusterArn(r.primaryClusterArn).region;
          own.push(
            metricAlarm({
              name: `${base}-replication-lag`,
              region,
              description: `Aurora global database ${r.globalClusterIdentifier}: replication lag to ${id} above the RPO`,
              namespace: 'AWS/RDS',
              metricName: 'AuroraGlobalDBReplicationLag',
              dimensions: { DBClusterIdentifier: id, SourceRegion: sourceRegion },
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
