import type { ResolvedBackups } from '../plan/backups.js';
import type { Resource, ResourceOf, Service } from '../plan/schema.js';
import {
  DRILL_PREFIX,
  type DrillIsolation,
  type DrillSettings,
  type DrillStepKind,
  type DrillStepRecord,
} from './types.js';

const KIND_OF: Partial<Record<Resource['kind'], DrillStepKind>> = {
  'aurora-global-cluster': 'restore-aurora',
  'rds-instance': 'restore-rds',
  ec2: 'launch-ec2',
  's3-bucket': 'read-s3',
  'dynamodb-global-table': 'read-dynamodb',
};

/** RDS identifiers: letters, digits and single hyphens, starting with a letter, at most 63 characters. */
const MAX_NAME = 63;

/** Short, name-safe token of a drill id (uuid: its first 8 hex digits). */
export const drillToken = (drillId: string) =>
  drillId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);

/**
 * The name of what a drill creates for a resource: `lifeboat-drill-<token>-<resource id>[-suffix]`, valid as
 * an RDS cluster or instance identifier and an EC2 Name tag, deterministic (so a restarted driver finds it).
 */
export function drillName(drillId: string, resourceId: string, suffix = ''): string {
  const tail = suffix ? `-${suffix}` : '';
  const head = `${DRILL_PREFIX}${drillToken(drillId)}-`;
  const room = MAX_NAME - head.length - tail.length;
  const middle = resourceId
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .slice(0, room)
    .replace(/^-|-$/g, '');
  return `${head}${middle || 'r'}${tail}`;
}

/** Names a step records before any call, in creation order. */
export function namesFor(kind: DrillStepKind, drillId: string, resourceId: string): string[] {
  switch (kind) {
    case 'restore-aurora':
      return [drillName(drillId, resourceId), drillName(drillId, resourceId, '1')];
    case 'restore-rds':
    case 'launch-ec2':
      return [drillName(drillId, resourceId)];
    case 'restore-backup':
      return [drillName(drillId, resourceId, 'bk')];
    case 'read-s3':
    case 'read-dynamodb':
      return [];
  }
}

/** AWS Backup resource types a drill restores from a recovery point (EC2: see docs/drills.md). */
export const BACKUP_RESTORE_TYPES: ReadonlySet<string> = new Set(['Aurora', 'RDS', 'DynamoDB', 'S3']);

/** Step id of a resource's restore from AWS Backup (next to the resource's own step, which keeps its id). */
export const backupStepId = (resourceId: string) => `${resourceId}~backup`;

/**
 * One step per resource a drill can recover without disruption (Route 53 is left alone: it serves production),
 * plus, when the service's backups ask for it (`drillRestore`), an AWS Backup restore per covered resource.
 */
export function drillSteps(service: Service, drillId: string, backups?: ResolvedBackups): DrillStepRecord[] {
  const steps: DrillStepRecord[] = [];
  for (const resource of service.resources) {
    const kind = KIND_OF[resource.kind];
    if (!kind) continue;
    steps.push({
      id: resource.id,
      kind,
      resourceId: resource.id,
      region: service.recoveryRegion,
      state: 'pending',
      names: namesFor(kind, drillId, resource.id),
    });
  }
  if (backups?.drillRestore)
    for (const covered of backups.resources) {
      if (!BACKUP_RESTORE_TYPES.has(covered.resourceType)) continue;
      steps.push({
        id: backupStepId(covered.id),
        kind: 'restore-backup',
        resourceId: covered.id,
        region: service.recoveryRegion,
        state: 'pending',
        names: namesFor('restore-backup', drillId, covered.id),
      });
    }
  return steps;
}

/** Whether a step creates anything (and so has something to clean up). */
export const createsResources = (kind: DrillStepKind) =>
  kind === 'restore-aurora' || kind === 'restore-rds' || kind === 'launch-ec2' || kind === 'restore-backup';

/** The drill settings of a service from its plan `drill:` section (empty: the account's defaults). */
export function drillSettingsOf(service: Service): DrillSettings {
  const d = service.drill;
  if (!d) return {};
  return {
    ...(d.subnetId ? { subnetId: d.subnetId } : {}),
    ...(d.securityGroupIds ? { securityGroupIds: d.securityGroupIds } : {}),
    ...(d.dbSubnetGroupName ? { dbSubnetGroupName: d.dbSubnetGroupName } : {}),
    ...(d.vpcSecurityGroupIds ? { vpcSecurityGroupIds: d.vpcSecurityGroupIds } : {}),
    ...(d.instanceType ? { instanceType: d.instanceType } : {}),
    ...(d.dbInstanceClass ? { dbInstanceClass: d.dbInstanceClass } : {}),
  };
}

/**
 * How isolated a drill of the service is, said plainly: which of its launches (instances) and restores
 * (databases) get the plan's network settings and which fall back to the account's defaults in the recovery
 * Region (the default VPC's subnets and security groups: not isolated from anything else there).
 */
export function drillIsolation(
  service: Service,
  settings: DrillSettings = drillSettingsOf(service),
): DrillIsolation {
  const region = service.recoveryRegion;
  const instances = service.resources.some((r) => r.kind === 'ec2');
  const databases = service.resources.some(
    (r) => r.kind === 'aurora-global-cluster' || r.kind === 'rds-instance',
  );
  const parts: string[] = [];
  const defaults: string[] = [];
  if (instances) {
    if (settings.subnetId || settings.securityGroupIds)
      parts.push(
        `instances in ${[settings.subnetId ?? 'the default subnet', ...(settings.securityGroupIds ?? ['the default security group'])].join(', ')}`,
      );
    if (!settings.subnetId || !settings.securityGroupIds)
      defaults.push(
        `instance ${[!settings.subnetId && 'subnet', !settings.securityGroupIds && 'security groups'].filter(Boolean).join(' and ')}`,
      );
  }
  if (databases) {
    if (settings.dbSubnetGroupName || settings.vpcSecurityGroupIds)
      parts.push(
        `databases in ${[settings.dbSubnetGroupName ?? 'the default DB subnet group', ...(settings.vpcSecurityGroupIds ?? ['the default security group'])].join(', ')}`,
      );
    if (!settings.dbSubnetGroupName || !settings.vpcSecurityGroupIds)
      defaults.push(
        `database ${[!settings.dbSubnetGroupName && 'subnet group', !settings.vpcSecurityGroupIds && 'security groups'].filter(Boolean).join(' and ')}`,
      );
  }
  if (!instances && !databases)
    return { level: 'isolated', text: 'Nothing is launched or restored: the drill only reads replicas.' };
  if (parts.length === 0)
    return {
      level: 'none',
      text: `Not isolated: the plan has no drill network settings for this service, so drill resources use the account's defaults in ${region} (default VPC, subnets and security groups).`,
    };
  if (defaults.length === 0) return { level: 'isolated', text: `Isolated: ${parts.join('; ')}.` };
  return {
    level: 'partial',
    text: `Partly isolated: ${parts.join('; ')}. The account's defaults in ${region} are used for the ${defaults.join(', ')}.`,
  };
}

/**
 * Where a drill instance of this ec2 resource is launched, as RunInstances parameters: the plan's drill subnet
 * (and its security groups; without them the subnet's VPC default group), else the resource's launch template
 * in the recovery Region, else its explicit launch parameters (instance type, subnet, security groups) — as
 * the failover's launch step does. Without any of them RunInstances would launch into the Region's default VPC,
 * or fail where there is none (`VPCIdNotSpecified`, RunInstances API reference): the drill is refused.
 */
export function drillLaunchPlacement(
  service: Service & { readonly name?: string },
  resource: ResourceOf<'ec2'>,
  settings: DrillSettings = drillSettingsOf(service),
):
  | {
      readonly input: {
        readonly SubnetId?: string;
        readonly SecurityGroupIds?: string[];
        readonly LaunchTemplate?: { readonly LaunchTemplateId: string; readonly Version: string };
        readonly InstanceType?: string;
      };
      readonly text: string;
    }
  | { readonly refusal: string } {
  if (settings.subnetId)
    return {
      input: {
        SubnetId: settings.subnetId,
        ...(settings.securityGroupIds ? { SecurityGroupIds: [...settings.securityGroupIds] } : {}),
      },
      text: `drill subnet ${settings.subnetId}`,
    };
  if (resource.launchTemplate)
    return {
      input: {
        LaunchTemplate: {
          LaunchTemplateId: resource.launchTemplate.id,
          Version: resource.launchTemplate.version,
        },
      },
      text: `launch template ${resource.launchTemplate.id}`,
    };
  if (resource.subnetId && resource.securityGroupIds)
    return {
      input: {
        SubnetId: resource.subnetId,
        SecurityGroupIds: [...resource.securityGroupIds],
        ...(resource.instanceType ? { InstanceType: resource.instanceType } : {}),
      },
      text: `subnet ${resource.subnetId}`,
    };
  return {
    refusal: `A drill of ${service.name ?? 'this service'} would launch ${resource.id} into the default VPC of ${service.recoveryRegion} (or fail where it has none): the plan names no drill subnet (drill.subnetId, drill.securityGroupIds), no launchTemplate and no subnetId/securityGroupIds for ${resource.id}. Add one of them to the DR plan, then request the drill again.`,
  };
}

/** The first refusal of a drill's launches (ec2 resources without a placement), or undefined. */
export function drillLaunchRefusal(service: Service & { readonly name?: string }): string | undefined {
  for (const r of service.resources) {
    if (r.kind !== 'ec2') continue;
    const placement = drillLaunchPlacement(service, r);
    if ('refusal' in placement) return placement.refusal;
  }
  return undefined;
}
