import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmIntakeProps {
  /** The plan's alarm topics (usually in the primary Regions), subscribed to the queue across Regions. */
  readonly alarmTopicArns: readonly string[];
  readonly subscribeAlarmTopics: boolean;
  readonly rawMessageDelivery: boolean;
}

/**
 * Where alarms reach the bot: SNS -> SQS keeps notifications for days while the bot restarts
 * (SNS HTTP delivery gives up after a few retries). A local topic takes alarms raised in this
 * Region; the plan's topics in other Regions are subscribed straight to the queue. Messages
 * that fail five times go to a dead-letter queue kept for 14 days.
 */
export class AlarmIntake extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlarmIntakeProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Lifeboat SNS topics (alarm intake and bot health)',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to encrypted topics only if the key lets the service use it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // SignatureVersion 2 (SHA256withRSA): the bot refuses SHA1-signed envelopes by default.
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: this.key,
      enforceSSL: true,
      signatureVersion: '2',
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    const subscription = new subs.SqsSubscription(this.queue, {
      rawMessageDelivery: props.rawMessageDelivery,
    });
    this.topic.addSubscription(subscription);
    if (props.subscribeAlarmTopics) {
      props.alarmTopicArns.forEach((arn, i) => {
        sns.Topic.fromTopicArn(this, `PlanTopic${i}`, arn).addSubscription(subscription);
      });
    }
  }
}
