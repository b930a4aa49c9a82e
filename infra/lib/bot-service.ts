import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import type { DeploySettings } from './settings.js';

export const CONTAINER_PORT = 3000;
/** The plan file the container writes from DR_PLAN_YAML before starting (/tmp is the only writable path). */
export const PLAN_PATH = '/tmp/lifeboat/dr-plan.yml';
export const SLACK_SECRET_KEYS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;
export type SlackSecretKey = (typeof SLACK_SECRET_KEYS)[number];

export interface BotServiceProps {
  readonly settings: DeploySettings;
  readonly image: ecs.ContainerImage;
  readonly environment: Record<string, string>;
  readonly slackSecret: secretsmanager.ISecret;
  /** Load balancer access logs and VPC flow logs go here (AccessLogs). */
  readonly accessLogs: s3.IBucket;
}

/**
 * The bot on ECS Fargate in private subnets. In HTTP mode an internet-facing ALB terminates TLS
 * and forwards only POST paths Slack and SNS use (/slack/events, /sns); the health check
 * (/healthz) goes straight to the targets. In Socket Mode there is no load balancer at all.
 */
export class BotService extends Construct {
  readonly taskRole: iam.Role;
  readonly container: ecs.ContainerDefinition;
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer | undefined;
  readonly targetGroup: elbv2.ApplicationTargetGroup | undefined;

  constructor(scope: Construct, id: string, props: BotServiceProps) {
    super(scope, id);
    const { settings } = props;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [...settings.availabilityZones],
      natGateways: settings.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });
    vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toS3(props.accessLogs, 'vpc-flow-logs/'),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      // RunningTaskCount for the health alarm comes from Container Insights.
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Lifeboat bot: permissions derived from the DR plan (infra/lib/permissions.ts)',
    });
    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.of(settings.cpuArchitecture),
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    task.addVolume({ name: 'tmp' });
    acknowledge(
      task,
      'AwsSolutions-ECS2',
      'the environment holds configuration only (table, queue, bucket names, Region, the DR plan text); ' +
        'the Slack tokens and signing secret come from Secrets Manager through `secrets`',
    );
    const secretNames: SlackSecretKey[] = settings.socketMode
      ? ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']
      : ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'];
    const container = task.addContainer('bot', {
      image: props.image,
      essential: true,
      readonlyRootFilesystem: true,
      environment: props.environment,
      secrets: Object.fromEntries(
        secretNames.map((name) => [name, ecs.Secret.fromSecretsManager(props.slackSecret, name)]),
      ),
      entryPoint: ['sh', '-c'],
      command: [
        `mkdir -p ${dirname(PLAN_PATH)} && printf '%s' "$DR_PLAN_YAML" > ${PLAN_PATH} && exec node_modules/.bin/tsx src/cli/bot.ts`,
      ],
      portMappings: [{ containerPort: CONTAINER_PORT }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'bot' }),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${CONTAINER_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });
    this.container = container;
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: task,
      desiredCount: settings.desiredCount,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      enableExecuteCommand: false,
    });

    if (settings.socketMode || !settings.certificateArn) return;
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogs, 'alb');
    for (const group of this.loadBalancer.connections.securityGroups) {
      acknowledge(
        group,
        'AwsSolutions-EC23',
        'Slack (request URL) and SNS (HTTPS subscription) call the load balancer from the internet and publish no fixed ' +
          'source ranges; only HTTPS 443 is open, and every request is authenticated (Slack signature, SNS signature and topic)',
      );
    }
    const listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(settings.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'Not found',
      }),
    });
    this.targetGroup = listener.addTargets('Bot', {
      priority: 10,
      conditions: [
        elbv2.ListenerCondition.pathPatterns(['/slack/events', '/sns']),
        elbv2.ListenerCondition.httpRequestMethods(['POST']),
      ],
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/healthz',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
  }
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
