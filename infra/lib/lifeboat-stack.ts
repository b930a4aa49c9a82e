import { CfnOutput, SecretValue, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { ParsedPlan } from '../../src/plan/schema.js';
import { AccessLogs } from './access-logs.js';
import { AlarmIntake } from './alarm-intake.js';
import { AuditArchive } from './audit-archive.js';
import { BotService, CONTAINER_PORT, PLAN_PATH, SLACK_SECRET_KEYS } from './bot-service.js';
import { HealthAlarms } from './health-alarms.js';
import { acknowledge, acknowledgePlanWildcards } from './nag.js';
import { policyStatementsForPlan } from './permissions.js';
import type { DeploySettings } from './settings.js';
import { StateTable } from './state.js';
import { planRoleArns, trustPolicy } from './workload-roles.js';

/** Task definitions are limited to 64 KiB; the plan travels in one environment variable. */
const MAX_PLAN_BYTES = 32 * 1024;

export interface LifeboatStackProps extends StackProps {
  readonly plan: ParsedPlan;
  /** The plan file's text, exactly as validated: the bot runs with the plan its IAM policy was derived from. */
  readonly planText: string;
  readonly settings: DeploySettings;
  /** Container image; defaults to the settings' registry URI or the repository's Dockerfile. */
  readonly image?: ecs.ContainerImage;
}

/** Lifeboat in the recovery Region: state table, alarm intake, the bot service, its health alarms. */
export class LifeboatStack extends Stack {
  readonly taskRole: iam.Role;
  private readonly zones: readonly string[];

  /** The Availability Zones come from the settings, so synth never looks them up in the account. */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }

  constructor(scope: Construct, id: string, props: LifeboatStackProps) {
    const { settings } = props;
    super(scope, id, {
      ...props,
      env: { account: settings.account, region: settings.region },
      description: 'Lifeboat: incident-driven disaster recovery from Slack (runs in the recovery Region)',
    });
    this.zones = settings.availabilityZones;
    const planBytes = Buffer.byteLength(props.planText, 'utf8');
    if (planBytes > MAX_PLAN_BYTES) {
      throw new Error(
        `The plan is ${planBytes} bytes; the task definition carries at most ${MAX_PLAN_BYTES}.`,
      );
    }
    Tags.of(this).add('lifeboat:component', 'bot');

    const state = new StateTable(this, 'State');
    const intake = new AlarmIntake(this, 'AlarmIntake', {
      alarmTopicArns: props.plan.alarmTopics,
      subscribeAlarmTopics: settings.subscribeAlarmTopics,
      rawMessageDelivery: settings.rawMessageDelivery,
    });
    const slackSecret = new secretsmanager.Secret(this, 'SlackSecret', {
      description: 'Lifeboat Slack credentials: set the values with put-secret-value (docs/deploy.md)',
      // Empty placeholders, not secrets: the stack never holds the real values.
      secretObjectValue: Object.fromEntries(
        SLACK_SECRET_KEYS.map((key) => [key, SecretValue.unsafePlainText('')]),
      ),
    });

    acknowledge(
      slackSecret,
      'AwsSolutions-SMG4',
      'Slack bot/app tokens and the signing secret are issued by Slack (app settings or OAuth), not by anything ' +
        'Secrets Manager rotation can call; rotate them in Slack and put-secret-value (docs/deploy.md)',
    );

    const accessLogs = new AccessLogs(this, 'AccessLogs');
    const archive = new AuditArchive(this, 'AuditArchive', {
      lock: settings.auditLock,
      accessLogs: accessLogs.bucket,
    });

    const bot = new BotService(this, 'Bot', {
      settings,
      image: props.image ?? imageFor(settings),
      slackSecret,
      accessLogs: accessLogs.bucket,
      environment: {
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        PORT: String(CONTAINER_PORT),
        AWS_REGION: settings.region,
        LOG_LEVEL: 'info',
        // The metrics as CloudWatch metrics (Embedded Metric Format in the logs): the health alarms use them.
        METRICS_EMF: 'on',
        DR_TABLE: state.table.tableName,
        DR_PLAN: PLAN_PATH,
        DR_PLAN_YAML: props.planText,
        DR_ALARM_QUEUE_URL: intake.queue.queueUrl,
        // Alarms raised in this Region arrive through the intake topic: allowed like alarmTopics.
        DR_ALARM_INTAKE_TOPIC_ARN: intake.topic.topicArn,
        // How the queue's subscriptions deliver decides how SQS bodies are read (docs/alarms.md).
        DR_ALARM_RAW_DELIVERY: settings.rawMessageDelivery ? 'on' : 'off',
        AUDIT_ARCHIVE_BUCKET: archive.bucket.bucketName,
        AUDIT_ARCHIVE_LOCK: archive.lockSetting,
      },
    });
    this.taskRole = bot.taskRole;
    state.grantStores(bot.taskRole);
    state.grantStreamRead(bot.taskRole);
    archive.grantArchiver(bot.taskRole);
    intake.queue.grantConsumeMessages(bot.taskRole);
    const planStatements = policyStatementsForPlan(props.plan, { passRoleArns: settings.passRoleArns });
    acknowledgePlanWildcards(bot.taskRole, planStatements);
    for (const spec of planStatements) {
      bot.taskRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: spec.sid,
          actions: [...spec.actions],
          resources: [...spec.resources],
          ...(spec.conditions
            ? { conditions: spec.conditions as Record<string, Record<string, unknown>> }
            : {}),
        }),
      );
    }
    // Other accounts (docs/deploy.md): the trust policy each workload role needs, naming this task role.
    for (const [i, r] of planRoleArns(props.plan).entries()) {
      new CfnOutput(this, `WorkloadRoleTrust${i + 1}`, {
        description: `Trust policy to create on ${r.roleArn}`,
        value: Stack.of(this).toJsonString(trustPolicy(bot.taskRole.roleArn, r.externalId)),
      });
    }
    const health = new HealthAlarms(this, 'Health', { bot, key: intake.key, email: settings.alarmEmail });
    // Security alerts (audit tampering) go to the operators' topic too; it is encrypted with the intake key.
    bot.container.addEnvironment('OPS_TOPIC_ARN', health.topic.topicArn);
    bot.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'OpsTopicSecurityAlerts',
        actions: ['sns:Publish'],
        resources: [health.topic.topicArn],
      }),
    );
    bot.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'OpsTopicKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [intake.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${settings.region}.amazonaws.com` } },
      }),
    );

    const base = `https://${settings.domainName ?? bot.loadBalancer?.loadBalancerDnsName ?? 'socket-mode'}`;
    if (bot.loadBalancer) {
      new CfnOutput(this, 'SlackRequestUrl', {
        value: `${base}/slack/events`,
        description: 'Slack request URL',
      });
      new CfnOutput(this, 'SnsEndpointUrl', { value: `${base}/sns`, description: 'SNS HTTPS endpoint' });
      new CfnOutput(this, 'LoadBalancerDns', { value: bot.loadBalancer.loadBalancerDnsName });
    }
    new CfnOutput(this, 'SlackSecretArn', { value: slackSecret.secretArn });
    new CfnOutput(this, 'BotRoleArn', { value: bot.taskRole.roleArn });
    new CfnOutput(this, 'StateTableName', { value: state.table.tableName });
    new CfnOutput(this, 'AuditArchiveBucket', { value: archive.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: intake.topic.topicArn });
    new CfnOutput(this, 'AlarmQueueArn', { value: intake.queue.queueArn });
    new CfnOutput(this, 'OpsTopicArn', { value: health.topic.topicArn });
  }
}

function imageFor(settings: DeploySettings): ecs.ContainerImage {
  if (settings.image.kind === 'registry') return ecs.ContainerImage.fromRegistry(settings.image.uri);
  return ecs.ContainerImage.fromAsset(settings.image.directory, {
    platform: settings.cpuArchitecture === 'ARM64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
    // Only what the Dockerfile copies matters; everything else would just churn the asset hash.
    exclude: [
      '**',
      '!Dockerfile',
      '!package.json',
      '!package-lock.json',
      '!tsconfig.json',
      '!tsconfig.build.json',
      '!src/**',
      '!handlers/**',
      '!blocks/**',
    ],
  });
}
