import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { describe, expect, it } from 'vitest';
import { LifeboatStack } from '../lib/lifeboat-stack.js';
import { resolveSettings } from '../lib/settings.js';
import { DYNAMO_ONLY_PLAN, EXAMPLE_PLAN, isMutating, REPO_ROOT, readPlan } from './helpers.js';

const CERT = 'arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-0000-4000-8000-000000000000';

/** Synthesizes once per plan (no asset bundling: a registry image stands in for the Dockerfile). */
function synth(planFile: string, context: Record<string, unknown>) {
  const { plan, text } = readPlan(planFile);
  const app = new App({ context });
  const settings = resolveSettings(plan, (key) => app.node.tryGetContext(key), REPO_ROOT);
  const stack = new LifeboatStack(app, 'Lifeboat', {
    plan,
    planText: text,
    settings,
    image: ContainerImage.fromRegistry('example.com/lifeboat:test'),
  });
  const assembly = app.synth();
  return { stack, assembly, text, template: Template.fromStack(stack) };
}

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** Every statement of every identity policy in the template (inline and managed). */
function identityStatements(template: Template): Statement[] {
  const policies = {
    ...template.findResources('AWS::IAM::Policy'),
    ...template.findResources('AWS::IAM::ManagedPolicy'),
  };
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}
const actionList = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

const example = synth(EXAMPLE_PLAN, { certificateArn: CERT, domainName: 'lifeboat.example.com' });
const dynamoOnly = synth(DYNAMO_ONLY_PLAN, { socketMode: 'true' });

describe('LifeboatStack for the example plan', () => {
  const { template } = example;

  it('synthesizes offline into the recovery Region with an explicit account', () => {
    // Assert
    expect(example.stack.region).toBe('us-west-2');
    expect(example.stack.account).toBe('123456789012');
    expect(example.assembly.manifest.missing ?? []).toEqual([]);
  });

  it('keeps its state in a retained, protected table with PITR and TTL', () => {
    // Assert
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
  });

  it('archives the audit log to a versioned, Object-Locked, private bucket the bot can write but not delete', () => {
    // Assert
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
        },
        PublicAccessBlockConfiguration: Match.objectLike({
          BlockPublicAcls: true,
          RestrictPublicBuckets: true,
        }),
      }),
    });
    const archiveActions = identityStatements(template)
      .filter((s) => JSON.stringify(s.Resource ?? '').includes('AuditArchive'))
      .flatMap(actionList);
    expect(archiveActions).toContain('s3:PutObject');
    expect(archiveActions.filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
  });

  it('queues alarms with a 14-day dead-letter queue after five receives, encrypted', () => {
    // Assert
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    template.resourcePropertiesCountIs('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() }, 2);
  });

  it('subscribes the plan alarm topic in the primary Region to the queue across Regions', () => {
    // Assert
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:lifeboat-alarms',
      Region: 'us-east-1',
      RawMessageDelivery: false,
    });
  });

  it('injects Slack credentials from Secrets Manager and the plan the policy was derived from', () => {
    // Assert
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          ReadonlyRootFilesystem: true,
          Secrets: [
            { Name: 'SLACK_BOT_TOKEN', ValueFrom: Match.anyValue() },
            { Name: 'SLACK_SIGNING_SECRET', ValueFrom: Match.anyValue() },
          ],
          // arrayWith keeps order: the environment as the stack declares it.
          Environment: Match.arrayWith([
            { Name: 'HOST', Value: '0.0.0.0' },
            { Name: 'DR_TABLE', Value: { Ref: Match.stringLikeRegexp('StateTable') } },
            { Name: 'DR_PLAN', Value: '/tmp/lifeboat/dr-plan.yml' },
            { Name: 'DR_PLAN_YAML', Value: example.text },
          ]),
        }),
      ],
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: '{"SLACK_BOT_TOKEN":"","SLACK_SIGNING_SECRET":"","SLACK_APP_TOKEN":""}',
    });
  });

  it('keeps bot logs for 90 days', () => {
    // Assert
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 90 },
      DeletionPolicy: 'Retain',
    });
  });

  it('serves only the Slack and SNS paths over HTTPS and health-checks /healthz', () => {
    // Assert
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
      DefaultActions: [Match.objectLike({ Type: 'fixed-response' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/slack/events', '/sns'] } },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
    });
    template.hasOutput('SlackRequestUrl', { Value: 'https://lifeboat.example.com/slack/events' });
  });

  it('alarms an operators topic when no task runs, no target is healthy or targets answer 5xx', () => {
    // Assert
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ECS/ContainerInsights',
      MetricName: 'RunningTaskCount',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('HealthOpsTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HTTPCode_Target_5XX_Count' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HealthyHostCount' });
  });

  it("alarms the operators' topic from the bot's own metrics (Embedded Metric Format): Slack queue depth, a paused runbook, audit append failures", () => {
    // Assert: the bot publishes them (METRICS_EMF=on) under the namespace and dimensions the alarms read.
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Environment: Match.arrayWith([{ Name: 'METRICS_EMF', Value: 'on' }]) }),
      ],
    });
    const ops = [{ Ref: Match.stringLikeRegexp('HealthOpsTopic') }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Lifeboat',
      MetricName: 'lifeboat_slack_queue_depth',
      Dimensions: [{ Name: 'Bot', Value: 'lifeboat' }],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 100,
      TreatMissingData: 'notBreaching',
      AlarmActions: ops,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Lifeboat',
      MetricName: 'lifeboat_executions',
      Dimensions: Match.arrayWith([{ Name: 'state', Value: 'pausedByFailedStep' }]),
      Statistic: 'Maximum',
      Threshold: 1,
      AlarmActions: ops,
    });
    const failures = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) =>
      JSON.stringify(a).includes('lifeboat_audit_append_failures_total'),
    ) as {
      Properties: {
        EvaluationPeriods: number;
        Threshold: number;
        Metrics: {
          Expression?: string;
          MetricStat?: { Metric: { Dimensions: { Name: string; Value: string }[] } };
        }[];
      };
    };
    expect(failures.Properties.EvaluationPeriods).toBe(1);
    expect(failures.Properties.Threshold).toBe(1);
    const writers = failures.Properties.Metrics.flatMap(
      (m) => m.MetricStat?.Metric.Dimensions.filter((d) => d.Name === 'writer').map((d) => d.Value) ?? [],
    );
    expect(writers.sort()).toEqual(['alarms', 'main', 'refusals']);
    expect(failures.Properties.Metrics.find((m) => m.Expression)?.Expression).toBe(
      'FILL(main, 0) + FILL(alarms, 0) + FILL(refusals, 0)',
    );
  });

  it('never grants a mutating action on Resource "*" in any identity policy', () => {
    // Act
    const offenders = identityStatements(template)
      .filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')))
      .flatMap(actionList)
      .filter(isMutating);

    // Assert
    expect(offenders).toEqual([]);
  });

  it('attaches the plan-derived statements to the task role', () => {
    // Act
    const sids = identityStatements(template).map((s) => s.Sid);

    // Assert
    expect(sids).toEqual(
      expect.arrayContaining([
        'AuroraSwitchoverPaymentsPaymentsDb',
        'RdsPromoteAccountsAccountsDb',
        'Ec2Describe',
      ]),
    );
  });
});

describe('LifeboatStack for a DynamoDB-only plan in Socket Mode', () => {
  const { template } = dynamoOnly;

  it('grants no rds or ec2 permission anywhere', () => {
    // Act
    const actions = identityStatements(template).flatMap(actionList);

    // Assert
    expect(actions.filter((a) => a.startsWith('rds:') || a.startsWith('ec2:'))).toEqual([]);
    expect(actions).toContain('dynamodb:DescribeTable');
  });

  it('runs without a load balancer and with the app-level token instead of the signing secret', () => {
    // Assert
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: [
            { Name: 'SLACK_BOT_TOKEN', ValueFrom: Match.anyValue() },
            { Name: 'SLACK_APP_TOKEN', ValueFrom: Match.anyValue() },
          ],
        }),
      ],
    });
  });

  it('deploys into the recovery Region eu-central-1', () => {
    // Assert
    expect(dynamoOnly.stack.region).toBe('eu-central-1');
    expect(dynamoOnly.assembly.manifest.missing ?? []).toEqual([]);
  });
});
