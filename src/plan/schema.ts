import { z } from 'zod';

/**
 * The DR plan schema. Every object is strict: an unknown key is an error, because a typo must
 * never silently disable a check. Durations are written as `90s`, `15m`, `24h`, `90d` (or
 * `250ms`) and parsed to milliseconds. docs/plan.md documents every field.
 */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export const duration = z
  .string({
    error: (iss) =>
      iss.input === undefined
        ? 'missing required field (expected a duration such as "90s", "15m", "24h" or "90d")'
        : 'expected a duration such as "90s", "15m", "24h" or "90d"',
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "90s", "15m", "24h" or "90d", got "${text}"`,
      });
      return z.NEVER;
    }
    return ms;
  });

const region = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS Region code such as "us-east-1"');
const account = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account ID');
const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user ID such as "U024BE7LH"');
const slackUsergroup = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, 'expected a Slack user group ID such as "S0614TZR7"');
const slackChannel = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel ID such as "C0123456789"');
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lowercase id of letters, digits and dashes');
const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'expected an SNS topic ARN');
const rdsClusterArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]*$/, 'expected an RDS DB cluster ARN');

const canary = z.strictObject({
  enabled: z.boolean().default(true),
  keyPrefix: z.string().min(1).default('lifeboat-canary/'),
  interval: duration.prefault('5m'),
});

const resourceBase = {
  id,
  description: z.string().optional(),
};

export const auroraGlobalCluster = z.strictObject({
  ...resourceBase,
  kind: z.literal('aurora-global-cluster'),
  globalClusterIdentifier: z.string().min(1),
  primaryClusterArn: rdsClusterArn,
  recoveryClusterArn: rdsClusterArn,
});

export const rdsInstance = z.strictObject({
  ...resourceBase,
  kind: z.literal('rds-instance'),
  primaryInstance: z.string().min(1),
  replicaInstance: z.string().min(1),
});

export const ec2 = z
  .strictObject({
    ...resourceBase,
    kind: z.literal('ec2'),
    primaryInstances: z.array(z.string().regex(/^i-[0-9a-f]+$/, 'expected an EC2 instance ID')).default([]),
    standbyInstances: z.array(z.string().regex(/^i-[0-9a-f]+$/, 'expected an EC2 instance ID')).default([]),
    launchTemplate: z
      .strictObject({
        id: z.string().regex(/^lt-[0-9a-f]+$/, 'expected a launch template ID'),
        version: z.string().default('$Latest'),
      })
      .optional(),
    desiredCapacity: z.number().int().positive().default(1),
    copyTag: z
      .strictObject({ key: z.string().min(1), value: z.string().min(1) })
      .describe('tag that marks AMI and EBS snapshot copies in the recovery Region'),
    maxCopyAge: duration.optional().describe('oldest acceptable AMI/snapshot copy; default: backupInterval'),
  })
  .superRefine((value, ctx) => {
    if (value.standbyInstances.length === 0 && !value.launchTemplate) {
      ctx.addIssue({
        code: 'custom',
        path: ['standbyInstances'],
        message: 'expected standbyInstances or a launchTemplate in the recovery Region',
      });
    }
  });

export const s3Bucket = z.strictObject({
  ...resourceBase,
  kind: z.literal('s3-bucket'),
  sourceBucket: z.string().min(3),
  destinationBucket: z.string().min(3),
  replicationRuleId: z.string().optional(),
  multiRegionAccessPointArn: z.string().optional(),
  canary: canary.optional(),
});

export const dynamodbGlobalTable = z.strictObject({
  ...resourceBase,
  kind: z.literal('dynamodb-global-table'),
  tableName: z.string().min(3),
  canary: canary.optional(),
});

export const route53 = z.strictObject({
  ...resourceBase,
  kind: z.literal('route53'),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]+$/, 'expected a hosted zone ID such as "Z0123456789ABC"'),
  recordName: z.string().min(1),
  recordType: z.enum(['A', 'AAAA', 'CNAME']).default('A'),
  primaryHealthCheckId: z.string().min(1),
  recoveryHealthCheckId: z.string().min(1).optional(),
});

export const resource = z.discriminatedUnion(
  'kind',
  [auroraGlobalCluster, rdsInstance, ec2, s3Bucket, dynamodbGlobalTable, route53],
  {
    error:
      'expected kind to be one of aurora-global-cluster, rds-instance, ec2, s3-bucket, dynamodb-global-table, route53',
  },
);

export const RESOURCE_KINDS = [
  'aurora-global-cluster',
  'rds-instance',
  'ec2',
  's3-bucket',
  'dynamodb-global-table',
  'route53',
] as const;

const stepBase = {
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration.optional(),
};

/** Step kinds and the resource kind each acts on (undefined: no resource). */
export const STEP_RESOURCE_KIND = {
  'aurora-global': 'aurora-global-cluster',
  'rds-promote-replica': 'rds-instance',
  ec2: 'ec2',
  'dynamodb-global-table': 'dynamodb-global-table',
  s3: 's3-bucket',
  route53: 'route53',
  wait: undefined,
  verify: undefined,
  notify: undefined,
} as const;

export const step = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...stepBase, kind: z.literal('aurora-global'), resource: id }),
    z.strictObject({ ...stepBase, kind: z.literal('rds-promote-replica'), resource: id }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('ec2'),
      resource: id,
      action: z.enum(['start-instances', 'set-capacity', 'launch-from-ami']).default('start-instances'),
    }),
    z.strictObject({ ...stepBase, kind: z.literal('dynamodb-global-table'), resource: id }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('s3'),
      resource: id,
      routeAccessPoint: z.boolean().default(false),
    }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('route53'),
      resource: id,
      action: z.enum(['fail-health-check', 'update-record']).default('fail-health-check'),
    }),
    z.strictObject({ ...stepBase, kind: z.literal('wait'), duration }),
    z
      .strictObject({
        ...stepBase,
        kind: z.literal('verify'),
        healthCheckId: z.string().optional(),
        alarmName: z.string().optional(),
      })
      .refine((s) => s.healthCheckId !== undefined || s.alarmName !== undefined, {
        message: 'expected healthCheckId or alarmName',
      }),
    z.strictObject({ ...stepBase, kind: z.literal('notify'), message: z.string().min(1).max(2_000) }),
  ],
  { error: `expected kind to be one of ${Object.keys(STEP_RESOURCE_KIND).join(', ')}` },
);

export const runbookEntry = z.union([step, z.strictObject({ parallel: z.array(step).min(2) })], {
  error: 'expected a step (with id and kind) or a { parallel: [steps] } group',
});

const runbook = z.strictObject({
  failover: z.array(runbookEntry).min(1),
  failback: z.array(runbookEntry).min(1).optional(),
});

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

/** A probe interval must divide a minute, an hour or a day so it maps onto a cron schedule. */
export function isCronInterval(ms: number): boolean {
  if (ms >= 1_000 && ms < 60_000) return ms % 1_000 === 0 && 60_000 % ms === 0;
  if (ms >= 60_000 && ms < 3_600_000) return ms % 60_000 === 0 && 3_600_000 % ms === 0;
  if (ms >= 3_600_000 && ms <= 86_400_000) return ms % 3_600_000 === 0 && 86_400_000 % ms === 0;
  return false;
}

const cronInterval = duration.refine(isCronInterval, {
  message: 'expected an interval that divides a minute, an hour or a day, e.g. "30s", "1m", "5m" or "1h"',
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
  runbookUrl: z.url().optional(),
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

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
