import type { EventEmitter } from 'node:events';
import type { AutoscalingState } from './autoscaling-state.js';
import type { EcsState } from './ecs-state.js';
import type { ElasticacheState } from './elasticache-state.js';
import type { LambdaState } from './lambda-state.js';
import { activeAt, type Interval, type Scheduler, type SimTime } from './time.js';

/** Everything the simulated cloud knows, shared by the per-service handlers. */

/** unavailable: 503s; timeout: every attempt times out; impaired: each attempt one or the other. */
export type OutageMode = 'unavailable' | 'timeout' | 'impaired';
export interface ScopedRule {
  region?: string;
  service?: string;
}
export interface FaultState {
  readonly outages: Map<string, Interval[]>;
  readonly outageMode: Map<string, OutageMode>;
  /** Resource ids (plan resource ids, bucket/table names, cluster/instance ids, health check ids). */
  readonly broken: Map<string, Interval[]>;
  throttles: (ScopedRule & { rate: number })[];
  latencies: (ScopedRule & { ms: number })[];
  failures: { operation: string; remaining: number; error: string; region?: string }[];
  /** Lambda functions (plan resource ids or function names) whose code throws until healed (optional: older saved worlds). */
  functionErrors?: Set<string>;
}

export interface GlobalMember {
  clusterArn: string;
  region: string;
  isWriter: boolean;
  sync: 'connected' | 'pending-resync';
  resyncing?: boolean;
}
export interface RdsGlobalCluster {
  id: string;
  resourceId: string;
  status: string;
  engine: string;
  engineVersion: string;
  storageEncrypted: boolean;
  members: GlobalMember[];
  failover?: { status: string; from: string; to: string; allowDataLoss: boolean; switchover: boolean };
}
export interface RdsCluster {
  id: string;
  region: string;
  arn: string;
  resourceId: string;
  status: string;
  engine: string;
  engineVersion: string;
  storageEncrypted: boolean;
  kmsKeyId?: string;
  globalClusterId?: string;
  backupRetention: number;
  createdAt: number;
  writeForwarding: 'enabled' | 'disabled';
}
export interface RdsInstance {
  id: string;
  region: string;
  arn: string;
  resourceId: string;
  status: string;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  clusterId?: string;
  isClusterWriter?: boolean;
  /** Source id (same Region) or ARN (cross-Region) while this instance is a read replica. */
  replicaSource?: string;
  replicas: string[];
  storageEncrypted: boolean;
  backupRetention: number;
  createdAt: number;
  multiAZ: boolean;
  kmsKeyId?: string;
  /** DB subnet group (its VPC) and VPC security groups; none: created outside any VPC. */
  dbSubnetGroup?: string;
  vpcSecurityGroups?: string[];
}
export interface RdsSnapshot {
  id: string;
  region: string;
  kind: 'instance' | 'cluster';
  sourceId: string;
  /** 'awsbackup': taken by AWS Backup (not listed unless SnapshotType=awsbackup is asked for). */
  type: 'automated' | 'manual' | 'awsbackup';
  createdAt: number;
  encrypted: boolean;
  engine: string;
  engineVersion: string;
  sourceRegion?: string;
}
export interface RdsAutomatedBackup {
  region: string;
  sourceRegion: string;
  instanceId: string;
  instanceArn: string;
  resourceId: string;
  engine: string;
  encrypted: boolean;
  earliest: number;
}

export interface Ec2Instance {
  id: string;
  region: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  type: string;
  imageId: string;
  launchTime: number;
  az: string;
  tags: Record<string, string>;
  privateIp: string;
  /** Customer-managed KMS key of its encrypted EBS volumes (none: unencrypted or AWS managed key). */
  volumeKmsKeyId?: string;
  /** Why it last stopped when not by a StopInstances call (StateReason), e.g. Client.InternalError. */
  stateReason?: { code: string; message: string };
  /** Subnet launched in (none given: the default VPC's default subnet of its Availability Zone). */
  subnetId?: string;
  /** RunInstances' idempotency token, the reservation it created and that request's parameters (canonical JSON). */
  clientToken?: string;
  reservationId?: string;
  launchRequest?: string;
}
export interface Ec2Image {
  id: string;
  region: string;
  name: string;
  createdAt: number;
  tags: Record<string, string>;
  snapshotIds: string[];
}
export interface Ec2Snapshot {
  id: string;
  region: string;
  startTime: number;
  encrypted: boolean;
  volumeSize: number;
  description: string;
  tags: Record<string, string>;
}
/** An On-Demand Capacity Reservation (DescribeCapacityReservations). */
export interface CapacityReservation {
  id: string;
  region: string;
  instanceType: string;
  az: string;
  totalInstanceCount: number;
  availableInstanceCount: number;
  state: 'active' | 'expired' | 'cancelled' | 'pending' | 'failed';
}
export interface LaunchTemplate {
  id: string;
  name: string;
  region: string;
  createdAt: number;
  versions: { number: number; imageId: string; instanceType: string; subnetId?: string; createdAt: number }[];
  defaultVersion: number;
}

export interface S3ReplicationRule {
  id: string;
  priority: number;
  status: 'Enabled' | 'Disabled';
  prefix: string;
  destinationBucket: string;
  rtc: boolean;
}
export interface S3ObjectVersion {
  versionId: string;
  body: Buffer;
  etag: string;
  lastModified: number;
  contentType: string;
  metadata: Record<string, string>;
  replicationStatus?: 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';
  replication?: { destination: string; ruleId: string; dueAt: number; completedAt?: number };
}
export interface S3Bucket {
  name: string;
  region: string;
  versioning: 'Enabled' | 'Suspended' | undefined;
  encryption: { algorithm: 'AES256' | 'aws:kms'; kmsKeyId?: string };
  replication?: { role: string; rules: S3ReplicationRule[] };
  objects: Map<string, S3ObjectVersion[]>;
}

export type Item = Record<string, unknown>;
export interface StreamRecord {
  seq: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  at: number;
  keys: Item;
  newImage?: Item;
  oldImage?: Item;
}
export interface TableReplica {
  name: string;
  region: string;
  status: 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
  tableId: string;
  createdAt: number;
  items: Map<string, Item>;
  pitr: boolean;
  stream: StreamRecord[];
  streamLabel: string;
}
export interface PendingWrite {
  table: string;
  from: string;
  to: string;
  key: string;
  item: Item | undefined;
  writtenAt: number;
}

export interface HealthCheckConfigState {
  at: number;
  inverted: boolean;
  disabled: boolean;
}
export interface HealthCheck {
  id: string;
  region: string;
  fqdn: string;
  version: number;
  config: HealthCheckConfigState[];
  /** Type RECOVERY_CONTROL: healthy while this ARC routing control is On, whatever the Region's state. */
  routingControlArn?: string;
}

export type RoutingControlState = 'On' | 'Off';
export interface RoutingControl {
  arn: string;
  name: string;
  controlPanelArn: string;
  /** States over time, oldest first (health checks and metrics are evaluated at past instants). */
  history: { at: number; state: RoutingControlState }[];
}
/** An ARC assertion rule: after any change to `asserted`, at least `atLeast` of them must be On. */
export interface SafetyRule {
  arn: string;
  name: string;
  asserted: string[];
  atLeast: number;
}
export interface RecordSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
  setIdentifier?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
  /** Alias record (ALB, CloudFront, API Gateway...): no values, no TTL of its own. */
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
}
export interface HostedZone {
  id: string;
  name: string;
  records: RecordSet[];
}

export interface World {
  readonly account: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  readonly time: SimTime;
  readonly scheduler: Scheduler;
  readonly events: EventEmitter;
  readonly faults: FaultState;
  readonly random: () => number;
  readonly rds: {
    globals: Map<string, RdsGlobalCluster>;
    clusters: Map<string, RdsCluster>;
    instances: Map<string, RdsInstance>;
    snapshots: RdsSnapshot[];
    automatedBackups: RdsAutomatedBackup[];
  };
  readonly ec2: {
    instances: Map<string, Ec2Instance>;
    images: Ec2Image[];
    snapshots: Ec2Snapshot[];
    launchTemplates: LaunchTemplate[];
    /** Regions whose default VPC was deleted: a launch naming no subnet is refused there (VPCIdNotSpecified). */
    noDefaultVpc: Set<string>;
    /** KMS keys (ARNs) the caller may not use for EBS (key policy or IAM): its instances cannot start. */
    deniedVolumeKeys: Set<string>;
    capacityReservations: CapacityReservation[];
    /** Applied value of the standard On-Demand vCPU quota (L-1216C47A) per Region; absent: the default. */
    vcpuQuota: Map<string, number>;
    /** Subnet id to its Availability Zone (a subnet lives in one AZ); unlisted subnets: the Region's first AZ. */
    subnetAz: Map<string, string>;
    /** `<az>|<instance type>` pools without On-Demand capacity: RunInstances there fails InsufficientInstanceCapacity. */
    noCapacity: Set<string>;
  };
  readonly s3: { buckets: Map<string, S3Bucket> };
  readonly dynamodb: { replicas: Map<string, TableReplica>; pending: PendingWrite[] };
  readonly route53: {
    healthChecks: Map<string, HealthCheck>;
    zones: Map<string, HostedZone>;
    changes: Map<string, { submittedAt: number; insyncAt: number }>;
  };
  readonly arc: { controls: Map<string, RoutingControl>; rules: SafetyRule[] };
  readonly autoscaling: AutoscalingState;
  readonly ecs: EcsState;
  readonly lambda: LambdaState;
  readonly elasticache: ElasticacheState;
  counters: Map<string, number>;
  /** Model id (cluster, instance, bucket, table, health check) to the plan resource id naming it. */
  readonly aliases: Map<string, string>;
}

/** Key for Region-scoped entities. */
export const rkey = (region: string, id: string): string => `${region}/${id}`;

export function nextId(world: World, prefix: string, width = 17): string {
  const n = (world.counters.get(prefix) ?? 0) + 1;
  world.counters.set(prefix, n);
  return `${prefix}${n.toString(16).padStart(width, '0')}`;
}

export function regionUp(world: World, region: string, t = world.time.now()): boolean {
  return activeAt(world.faults.outages.get(region), t) === undefined;
}

/**
 * When replication that depends on these Regions and resources stopped, if it is stopped at `t`:
 * the earliest start among the outages and breaks active at that time.
 */
export function impairedSince(
  world: World,
  t: number,
  regions: readonly string[],
  resources: readonly string[],
): number | undefined {
  const ids = [
    ...resources,
    ...resources.map((id) => world.aliases.get(id)).filter((id) => id !== undefined),
  ];
  const starts = [
    ...regions.map((r) => activeAt(world.faults.outages.get(r), t)?.from),
    ...ids.map((id) => activeAt(world.faults.broken.get(id), t)?.from),
  ].filter((v): v is number => v !== undefined);
  return starts.length > 0 ? Math.min(...starts) : undefined;
}

export function emitChange(world: World, kind: string, id: string, detail: Record<string, unknown>): void {
  world.events.emit('change', { kind, id, at: world.time.now(), ...detail });
}

export const AZ = (region: string, i = 0): string => `${region}${'abc'[i % 3]}`;

export const REGION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-north-1': 'EU (Stockholm)',
  'eu-south-1': 'EU (Milan)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'sa-east-1': 'South America (Sao Paulo)',
};
