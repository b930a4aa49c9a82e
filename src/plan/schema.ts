import { z } from 'zod';
import { planBackups, serviceBackups } from './schema-backups.js';
import {
  account,
  cronInterval,
  duration,
  id,
  isTimeZone,
  region,
  slackChannel,
  slackUser,
  slackUsergroup,
  snsTopicArn,
} from './schema-fields.js';
import { resource } from './schema-resources.js';
import { accountRole } from './schema-role.js';
import { runbook, type runbookEntry, type step } from './schema-steps.js';

/**
 * The DR plan schema. Every object is strict: an unknown key is an error, because a typo must
 * never silently disable a check. Durations are written as `90s`, `15m`, `24h`, `90d` (or
 * `250ms`) and parsed to milliseconds. docs/plan.md documents every field.
 */

export { duration, isCronInterval, parseDuration } from './schema-fields.js';
export {
  arcRoutingControl,
  auroraGlobalCluster,
  dynamodbGlobalTable,
  ec2,
  RESOURCE_KINDS,
  rdsInstance,
  resource,
  route53,
  s3Bucket,
} from './schema-resources.js';
export { runbookEntry, STEP_RESOURCE_KIND, step } from './schema-steps.js';

const alarmRule = z
  .strictObject({
    name: z.string().min(1).optional().describe('exact alarm name, or a glob with * and ?'),
    arn: z.string().startsWith('arn:').optional(),
    pattern: z.string().min(1).optional().describe('regular expression matched against the alarm name'),
    autoRequestFailover: z.boolean().default(false),
  })
  .superRefine((rule, ctx) => {
    const given = [rule.name, rule.arn, rule.pattern].filter((v) => v !== undefined).length;
    if (given !== 1)
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of name, arn or pattern' });
    if (rule.pattern !== undefined) {
      try {
        new RegExp(rule.pattern);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['pattern'],
          message: `invalid regular expression: ${String(error)}`,
        });
      }
    }
  });

const approvers = z
  .strictObject({
    users: z.array(slackUser).default([]),
    usergroups: z.array(slackUsergroup).default([]),
  })
  .refine((a) => a.users.length + a.usergroups.length > 0, {
    message: 'expected at least one user or usergroup',
  });

/**
 * An outside-in probe, run from the recovery Region: an HTTP(S) health endpoint, or the status of the
 * primary health check of one of the service's route53 resources. `failures` consecutive failures open
 * an incident; the first success after that resolves it.
 */
export const probe = z
  .strictObject({
    id,
    url: z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
      .optional()
      .describe('HTTP(S) health endpoint'),
    route53: id.optional().describe('id of a route53 resource: its primary health check is probed'),
    expectStatus: z.number().int().min(100).max(599).default(200),
    interval: cronInterval.prefault('1m'),
    failures: z.number().int().min(1).max(20).default(3),
    timeout: duration.prefault('5s'),
  })
  .refine((p) => (p.url === undefined) !== (p.route53 === undefined), {
    message: 'expected exactly one of url or route53',
  });

const subnetId = z.string().regex(/^subnet-[0-9a-f]+$/, 'expected a subnet ID such as "subnet-0a1b2c3d"');
const securityGroupId = z
  .string()
  .regex(/^sg-[0-9a-f]+$/, 'expected a security group ID such as "sg-0a1b2c3d"');

/**
 * Where a drill puts what it creates, in the recovery Region: a subnet and security groups without a route to
 * production for instances, a DB subnet group and VPC security groups for restored databases. Each absent
 * value falls back to the account's defaults (and the drill card says so).
 */
export const drill = z.strictObject({
  subnetId: subnetId.optional().describe('subnet for drill instances'),
  securityGroupIds: z.array(securityGroupId).min(1).optional().describe('security groups of drill instances'),
  dbSubnetGroupName: z.string().min(1).max(255).optional().describe('DB subnet group of restored databases'),
  vpcSecurityGroupIds: z
    .array(securityGroupId)
    .min(1)
    .optional()
    .describe('VPC security groups of restored databases'),
  instanceType: z
    .string()
    .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'expected an instance type such as "t3.micro"')
    .optional(),
  dbInstanceClass: z
    .string()
    .regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'expected a DB instance class such as "db.t3.medium"')
    .optional(),
  cleanupAfter: duration
    .prefault('60m')
    .describe('how long drill resources live after the drill is measured'),
});

export const service = z.strictObject({
  description: z.string().optional(),
  account: account.optional(),
  role: accountRole.optional().describe('IAM role per Region that every call for this service assumes'),
  primaryRegion: region,
  recoveryRegion: region,
  rpo: duration,
  rto: duration,
  channel: slackChannel,
  approvers,
  approvalsRequired: z.number().int().min(1).max(5).optional(),
  drillApprovalsRequired: z.number().int().min(0).max(5).optional(),
  stakeholderTopics: z.array(snsTopicArn).default([]),
  backupInterval: duration.optional(),
  drillInterval: duration.optional(),
  drill: drill.optional(),
  backups: serviceBackups.optional().describe('AWS Backup for this service (docs/backups.md)'),
  runbookUrl: z.url().optional(),
  after: z
    .array(id)
    .optional()
    .describe('services this one recovers after: a failover starts it once they completed (docs/plan.md)'),
  alarms: z.array(alarmRule).default([]),
  probes: z.array(probe).default([]),
  resources: z.array(resource).min(1),
  runbook,
});

export const plan = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }),
  account: account.optional(),
  timezone: z
    .string()
    .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/Berlin" or "UTC"' })
    .default('UTC'),
  checkInterval: cronInterval.prefault('5m').describe('how often the scheduled readiness check runs'),
  defaults: z
    .strictObject({
      approvalsRequired: z.number().int().min(1).max(5).default(1),
      drillApprovalsRequired: z.number().int().min(0).max(5).default(1),
      requestTtl: duration.prefault('30m'),
      backupInterval: duration.prefault('24h'),
      drillInterval: duration.prefault('90d'),
      stepEstimate: duration.prefault('2m'),
    })
    .prefault({}),
  slack: z
    .strictObject({
      unroutedChannel: slackChannel.optional(),
      digestChannel: slackChannel.optional(),
      digestAt: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time such as "09:00"')
        .default('09:00'),
      auditors: z.array(slackUser).default([]),
    })
    .prefault({}),
  alarmTopics: z.array(snsTopicArn).default([]),
  backups: planBackups.optional().describe("plan-wide defaults of the services' backups sections"),
  services: z
    .record(id, service)
    .refine((s) => Object.keys(s).length > 0, { message: 'expected at least one service' }),
});

export type PlanInput = z.input<typeof plan>;
export type ParsedPlan = z.output<typeof plan>;
export type Service = z.output<typeof service>;
export type Resource = z.output<typeof resource>;
export type ResourceKind = Resource['kind'];
export type ResourceOf<K extends ResourceKind> = Extract<Resource, { kind: K }>;
export type Step = z.output<typeof step>;
export type StepKind = Step['kind'];
export type RunbookEntry = z.output<typeof runbookEntry>;
export type AlarmRule = z.output<typeof alarmRule>;
export type Probe = z.output<typeof probe>;
export type DrillSection = z.output<typeof drill>;
