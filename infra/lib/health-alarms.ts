import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { BotService } from './bot-service.js';

export interface HealthAlarmsProps {
  readonly bot: BotService;
  readonly key: kms.IKey;
  readonly email: string | undefined;
}

/**
 * Alarms on Lifeboat itself, sent to an operators' topic (not to the bot: a dead bot cannot
 * report its own death). No running task, no healthy target, or a burst of 5xx answers.
 */
export class HealthAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'OpsTopic', { masterKey: props.key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subs.EmailSubscription(props.email));
    const { bot } = props;

    this.add(
      'NoRunningTask',
      new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: bot.cluster.clusterName, ServiceName: bot.service.serviceName },
        statistic: 'Minimum',
        period: Duration.minutes(1),
      }),
      { threshold: 1, comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, missing: 'breach' },
      'Lifeboat has no running task: Slack commands and alarm intake are down.',
    );
    if (bot.targetGroup) {
      this.add(
        'NoHealthyTarget',
        bot.targetGroup.metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1) }),
        { threshold: 1, comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, missing: 'breach' },
        'No healthy Lifeboat target behind the load balancer: Slack requests fail.',
      );
      this.add(
        'Target5xx',
        bot.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
          statistic: 'Sum',
          period: Duration.minutes(1),
        }),
        {
          threshold: 5,
          comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          missing: 'ok',
        },
        'Lifeboat answers Slack or SNS with server errors.',
      );
    }
  }

  private add(
    id: string,
    metric: cloudwatch.IMetric,
    rule: { threshold: number; comparison: cloudwatch.ComparisonOperator; missing: 'breach' | 'ok' },
    description: string,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: rule.threshold,
      comparisonOperator: rule.comparison,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData:
        rule.missing === 'breach'
          ? cloudwatch.TreatMissingData.BREACHING
          : cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
