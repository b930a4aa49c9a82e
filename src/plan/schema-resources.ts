import { z } from 'zod';
import { autoscalingGroup } from '../kinds/autoscaling/schema.js';
import { docdbGlobalCluster } from '../kinds/docdb/schema.js';
import { ecsService } from '../kinds/ecs/schema.js';
import { elasticacheGlobalDatastore } from '../kinds/elasticache/schema.js';
import { lambdaFunction } from '../kinds/lambda/schema.js';
import { duration, id } from './schema-fields.js';
import { accountRole } from './schema-role.js';

/** The resources a service is made of, one strict schema per kind. */

const rdsClusterArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]*$/, 'expected an RDS DB cluster ARN');

const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'expected a KMS key ARN');

const canary = z.strictObject({
  enabled: z.boolean().default(true),
  keyPrefix: z.string().min(1).default('lifeboat-canary/'),
  interval: duration.prefault('5m'),
});

const resourceBase = {
  id,
  description: z.string().optional(),
  role: accountRole.optional().describe("this resource's own role to assume, instead of the service's"),
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
  primaryKmsKeyId: kmsKeyArn
    .optional()
    .describe('KMS key in the primary Region for the encrypted replica a failback creates there'),
  primaryDbSubnetGroupName: z
    .string()
    .min(1)
    .optional()
    .describe("DB subnet group in the primary Region (the applications' VPC) for the failback replica"),
  primaryVpcSecurityGroupIds: z
    .array(z.string().regex(/^sg-[0-9a-f]+$/, 'expected a security group ID'))
    .optional()
    .describe('VPC security groups in the primary Region for the failback replica'),
});

const launchTemplate = z.strictObject({
  id: z.string().regex(/^lt-[0-9a-f]+$/, 'expected a launch template ID'),
  version: z.string().default('$Latest'),
});

export const ec2 = z
  .strictObject({
    ...resourceBase,
    kind: z.literal('ec2'),
    primaryInstances: z.array(z.string().regex(/^i-[0-9a-f]+$/, 'expected an EC2 instance ID')).default([]),
    standbyInstances: z.array(z.string().regex(/^i-[0-9a-f]+$/, 'expected an EC2 instance ID')).default([]),
    launchTemplate: launchTemplate.optional().describe('launch template in the recovery Region'),
    instanceType: z
      .string()
      .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'expected an instance type such as "m6i.large"')
      .optional()
      .describe(
        'recovery-Region launches without a launchTemplate: instance type (with subnetId, securityGroupIds)',
      ),
    subnetId: z
      .string()
      .regex(/^subnet-[0-9a-f]+$/, 'expected a subnet ID such as "subnet-0a1b2c3d"')
      .optional()
      .describe('recovery-Region launches without a launchTemplate: subnet to launch in'),
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'expected a subnet ID such as "subnet-0a1b2c3d"'))
      .min(1)
      .optional()
      .describe(
        'recovery-Region launches without a launchTemplate: subnets (other AZs) in preference order, after subnetId; the next is tried when EC2 has no capacity (InsufficientInstanceCapacity)',
      ),
    securityGroupIds: z
      .array(z.string().regex(/^sg-[0-9a-f]+$/, 'expected a security group ID such as "sg-0a1b2c3d"'))
      .min(1)
      .optional()
      .describe('recovery-Region launches without a launchTemplate: security groups of the instances'),
    primaryLaunchTemplate: launchTemplate
      .optional()
      .describe('launch template in the primary Region, for failback launches'),
    desiredCapacity: z.number().int().positive().default(1),
    capacityReservationIds: z
      .array(z.string().regex(/^cr-[0-9a-f]+$/, 'expected a Capacity Reservation ID such as "cr-0a1b2c3d"'))
      .default([])
      .describe(
        'On-Demand Capacity Reservations in the recovery Region for the instances a failover launches',
      ),
    copyTag: z
      .strictObject({ key: z.string().min(1), value: z.string().min(1) })
      .describe('tag that marks AMI and EBS snapshot copies in the recovery Region'),
    maxCopyAge: duration.optional().describe('oldest acceptable AMI/snapshot copy; default: backupInterval'),
    volumeKmsKeyArns: z
      .array(kmsKeyArn)
      .default([])
      .describe(
        "customer-managed KMS keys of the instances' encrypted EBS volumes and AMI copies (both Regions)",
      ),
  })
  .superRefine((value, ctx) => {
    // `subnets` stands for subnetId when that is not given (its first is then the preferred subnet).
    const named = LAUNCH_FIELDS.filter(
      (f) => value[f] !== undefined || (f === 'subnetId' && value.subnets !== undefined),
    );
    if (named.length > 0 && named.length < LAUNCH_FIELDS.length)
      ctx.addIssue({
        code: 'custom',
        path: [named[0] ?? 'instanceType'],
        message: `expected ${LAUNCH_FIELDS.join(', ')} together (explicit launch parameters); missing ${LAUNCH_FIELDS.filter((f) => value[f] === undefined).join(', ')}`,
      });
    // A launch template names its own subnet: fallback subnets would be silently unused.
    if (value.launchTemplate && value.subnets)
      ctx.addIssue({
        code: 'custom',
        path: ['subnets'],
        message:
          'subnets are tried by launches without a launchTemplate (instanceType, securityGroupIds); a launch template names its own subnet',
      });
    if (value.standbyInstances.length === 0 && !value.launchTemplate && named.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['standbyInstances'],
        message:
          'expected standbyInstances, a launchTemplate or instanceType, subnetId and securityGroupIds in the recovery Region',
      });
    }
  });

/** The explicit launch parameters of an ec2 resource without a launch template (all or none). */
export const LAUNCH_FIELDS = ['instanceType', 'subnetId', 'securityGroupIds'] as const;

/**
 * Whether a recovery-Region launch of this resource names what it launches: a launch template, or instance
 * type, subnet and security groups. Without them RunInstances defaults to m1.small in the default VPC, or fails
 * where there is none (RunInstances API reference): the plan refuses a launch step on such a resource.
 */
export function hasLaunchParameters(r: {
  launchTemplate?: unknown;
  instanceType?: string;
  subnetId?: string;
  subnets?: readonly string[];
  securityGroupIds?: readonly string[];
}): boolean {
  return (
    r.launchTemplate !== undefined ||
    LAUNCH_FIELDS.every((f) => r[f] !== undefined || (f === 'subnetId' && r.subnets !== undefined))
  );
}

/**
 * The subnets a recovery-Region launch without a launch template tries, in preference order: subnetId, then
 * `subnets` (duplicates dropped). Each is one RunInstances intent; the next is tried on InsufficientInstanceCapacity.
 */
export function launchSubnets(r: { subnetId?: string; subnets?: readonly string[] }): string[] {
  return [...new Set([...(r.subnetId ? [r.subnetId] : []), ...(r.subnets ?? [])])];
}

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

const routingControlArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[0-9a-z]+\/routingcontrol\/[0-9a-z]+$/,
    'expected a routing control ARN (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/routingcontrol/<id>)',
  );

/**
 * Route 53 ARC routing control: two on/off switches (one per Region) on a cluster whose five Regional
 * endpoints are its data plane. The endpoints are written in the plan (from DescribeCluster) because the
 * recovery-control-config API that lists them is a control plane (us-west-2) a failover must not need.
 */
export const arcRoutingControl = z.strictObject({
  ...resourceBase,
  kind: z.literal('arc-routing-control'),
  clusterArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:cluster\/[0-9a-z-]+$/,
      'expected a cluster ARN (arn:aws:route53-recovery-control::<account>:cluster/<id>)',
    ),
  clusterEndpoints: z
    .array(
      z.strictObject({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS Region such as "us-west-2"'),
        endpoint: z.url({ protocol: /^https$/, error: 'expected an https:// cluster endpoint URL' }),
      }),
    )
    .min(1)
    .describe("the cluster's Regional endpoints (DescribeCluster ClusterEndpoints), tried in turn"),
  primaryRoutingControlArn: routingControlArn.describe('ON while the primary Region serves'),
  recoveryRoutingControlArn: routingControlArn.describe('ON while the recovery Region serves'),
});

export const resource = z.discriminatedUnion(
  'kind',
  [
    auroraGlobalCluster,
    rdsInstance,
    ec2,
    s3Bucket,
    dynamodbGlobalTable,
    route53,
    arcRoutingControl,
    autoscalingGroup,
    ecsService,
    lambdaFunction,
    elasticacheGlobalDatastore,
    docdbGlobalCluster,
  ],
  {
    error:
      'expected kind to be one of aurora-global-cluster, rds-instance, ec2, s3-bucket, dynamodb-global-table, route53, arc-routing-control, autoscaling-group, ecs-service, lambda-function, elasticache-global-datastore, docdb-global-cluster',
  },
);

export const RESOURCE_KINDS = [
  'aurora-global-cluster',
  'rds-instance',
  'ec2',
  's3-bucket',
  'dynamodb-global-table',
  'route53',
  'arc-routing-control',
  'autoscaling-group',
  'ecs-service',
  'lambda-function',
  'elasticache-global-datastore',
  'docdb-global-cluster',
] as const;
