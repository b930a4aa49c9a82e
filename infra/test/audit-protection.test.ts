import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { describe, expect, it } from 'vitest';
import { LifeboatStack } from '../lib/lifeboat-stack.js';
import { resolveSettings } from '../lib/settings.js';
import { EXAMPLE_PLAN, REPO_ROOT, readPlan } from './helpers.js';

function template(context: Record<string, unknown> = {}): Template {
  const { plan, text } = readPlan(EXAMPLE_PLAN);
  const app = new App({ context: { socketMode: 'true', ...context } });
  const settings = resolveSettings(plan, (key) => app.node.tryGetContext(key), REPO_ROOT);
  const stack = new LifeboatStack(app, 'Lifeboat', {
    plan,
    planText: text,
    settings,
    image: ContainerImage.fromRegistry('example.com/lifeboat:test'),
  });
  return Template.fromStack(stack);
}

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};
const statements = (t: Template): Statement[] =>
  Object.values({
    ...t.findResources('AWS::IAM::Policy'),
    ...t.findResources('AWS::IAM::ManagedPolicy'),
  }).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );

describe('audit protection in the stack', () => {
  const t = template();

  it('locks the archive in COMPLIANCE mode by default and passes that to the bot', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
      },
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([{ Name: 'AUDIT_ARCHIVE_LOCK', Value: 'COMPLIANCE:365' }]),
        }),
      ],
    });
  });

  it('takes GOVERNANCE only when asked (-c auditLock=GOVERNANCE:30) and refuses nonsense', () => {
    template({ auditLock: 'GOVERNANCE:30' }).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
      },
    });
    expect(() => template({ auditLock: 'LEGAL:0' })).toThrow(/auditLock/);
  });

  it('refuses archive writes without If-None-Match, for every principal', () => {
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:PutObject',
            Principal: { AWS: '*' },
            Condition: { Null: { 's3:if-none-match': 'true' } },
          }),
        ]),
      },
    });
  });

  it('denies the bot updating or deleting audit items (LeadingKeys AUDIT#*) while it may still use other items', () => {
    const deny = statements(t).find((s) => s.Sid === 'DenyAuditItemUpdateDelete');
    expect(deny?.Effect).toBe('Deny');
    expect(deny?.Action).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
    expect(deny?.Condition).toEqual({ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } });
  });

  it("enables the table's stream with both images and lets the bot read that stream only", () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const read = statements(t).find((s) => s.Sid === 'AuditTamperWatchStream');
    expect(read?.Action).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetShardIterator',
      'dynamodb:GetRecords',
    ]);
    expect(read?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StateTable/), 'StreamArn'] });
  });

  it('grants the archive only put, retention, get and a prefixed list: no delete, no wildcard action', () => {
    const archive = statements(t).filter((s) => s.Sid?.startsWith('AuditArchive'));
    const actions = archive.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      's3:PutObjectRetention',
    ]);
  });

  it("tells the bot the operators' topic for security alerts and lets it publish there only", () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'OPS_TOPIC_ARN', Value: { Ref: Match.stringLikeRegexp('^HealthOpsTopic') } },
          ]),
        }),
      ],
    });
    const publish = statements(t).find((s) => s.Sid === 'OpsTopicSecurityAlerts');
    expect(publish?.Action).toBe('sns:Publish');
    expect(publish?.Resource).toEqual({ Ref: expect.stringMatching(/^HealthOpsTopic/) });
  });

  it('keeps VPC flow logs and (HTTP mode) load balancer access logs', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL' });
    const http = template({
      socketMode: 'false',
      certificateArn: 'arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-0000-4000-8000-000000000000',
    });
    http.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
  });
});
