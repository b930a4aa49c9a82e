import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { EMF_BOT, EMF_NAMESPACE } from '../../src/metrics/emf.js';
import { AUDIT_WRITERS } from '../../src/metrics/registry.js';
import type { BotService } from './bot-service.js';

/** One of the bot's own metrics, as its Embedded Metric Format lines publish it (docs/metrics.md). */
const botMetric = (metricName: string, statistic: string, dimensions: Record<string, string> = {}) =>
  new cloudwatch.Metric({
    namespace: EMF_NAMESPACE,
    metricName,
    dimensionsMap: { Bot: EMF_BOT, ...dimensions },
    statistic,
    period: Duration.minutes(1),
  });

export interface HealthAlarmsProps {
  readonly bot: BotService;
  readonly key: kms.IKey;
  readonly email: string | undefined;
}

/**
 * Alarms on Lifeboat itself, sent to an operators' topic (not to the bot: a dead bot cannot
 * report its own death). No running task, no healthy target, or a burst of 5xx answers; and from
 * the bot's own metrics (METRICS_EMF=on): a Slack queue that stays deep, a runbook paused by a
 * failed step, an audit append that failed. docs/operations.md says what to do for each.
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
    this.add(
      'SlackQueueDepth',
      botMetric('lifeboat_slack_queue_depth', 'Maximum'),
      {
        threshold: 100,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        missing: 'ok',
      },
      'The outbound Slack queue has held 100 or more messages for 3 minutes: Slack rate-limits the bot or rejects its calls.',
    );
    this.add(
      'RunbookPaused',
      botMetric('lifeboat_executions', 'Maximum', { state: 'pausedByFailedStep' }),
      {
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        missing: 'ok',
      },
      'A failover or failback runbook is paused by a failed step and waits for a person to retry, skip or abort it.',
    );
    this.add(
      'AuditAppendFailures',
      new cloudwatch.MathExpression({
        // Every writer counts. Alarms cannot use SEARCH, so each writer's series is named; FILL: a
        // writer with no failure publishes nothing that minute.
        expression: AUDIT_WRITERS.map((w) => `FILL(${w}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(
          AUDIT_WRITERS.map((writer) => [
            writer,
            botMetric('lifeboat_audit_append_failures_total', 'Sum', { writer }),
          ]),
        ),
        label: 'audit append failures',
        period: Duration.minutes(1),
      }),
      {
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        missing: 'ok',
      },
      'An audit entry could not be appended: the action it records was held back or reported; the audit log needs attention.',
      1,
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
    periods = 3,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: rule.threshold,
      comparisonOperator: rule.comparison,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
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
