import type { ParsedPlan, Resource, Service } from './schema.js';
import type { PlanBackups } from './schema-backups.js';

/**
 * A service's AWS Backup settings with the plan-wide defaults applied: what infra/ deploys, what readiness
 * and the digest read back. A field the service sets replaces the plan-wide one (docs/backups.md).
 */
export interface ResolvedBackups {
  readonly service: string;
  readonly vaultName: string;
  /** AWS Backup ScheduleExpression, `cron(…)`. */
  readonly scheduleExpression: string;
  readonly timezone: string;
  readonly startWindowMinutes: number;
  /** How often a new recovery point is due: a day for `dailyAt`, else the service's backupInterval. */
  readonly intervalMs: number;
  readonly retentionDays: number;
  readonly copy: { readonly retentionDays: number; readonly account: string };
  readonly kmsKeys: { readonly primary?: string; readonly recovery?: string };
  readonly vaultLock?: {
    readonly mode: 'compliance' | 'governance';
    readonly minRetentionDays: number;
    readonly maxRetentionDays?: number;
    readonly changeableForDays?: number;
  };
  readonly restoreTesting: boolean;
  /** Drills restore the newest copied recovery point of each covered resource (AWS Backup restore jobs). */
  readonly drillRestore: boolean;
  /** The role AWS Backup assumes to create what a restore job restores (infra/lib/backups.ts names it). */
  readonly restoreRoleArn: string;
  readonly account: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** The resources covered, each with the ARNs AWS Backup knows it by (in the primary Region). */
  readonly resources: readonly BackedUpResource[];
}

export interface BackedUpResource {
  readonly id: string;
  readonly kind: Resource['kind'];
  /** AWS Backup ResourceType (ListProtectedResources, StartRestoreJob). */
  readonly resourceType: 'Aurora' | 'RDS' | 'EC2' | 'S3' | 'DynamoDB';
  readonly arns: readonly string[];
}

const DAY_MS = 86_400_000;
export const DEFAULT_RETENTION_DAYS = 35;
export const DEFAULT_START_WINDOW_MINUTES = 60;
export const DEFAULT_CHANGEABLE_FOR_DAYS = 3;

/** The ARNs AWS Backup protects a resource by, or undefined for kinds AWS Backup does not back up. */
export function backupArns(
  r: Resource,
  at: { readonly account: string; readonly region: string },
): Pick<BackedUpResource, 'resourceType' | 'arns'> | undefined {
  const { account, region } = at;
  switch (r.kind) {
    case 'aurora-global-cluster':
      return { resourceType: 'Aurora', arns: [r.primaryClusterArn] };
    case 'rds-instance':
      return { resourceType: 'RDS', arns: [`arn:aws:rds:${region}:${account}:db:${r.primaryInstance}`] };
    case 'ec2':
      return {
        resourceType: 'EC2',
        arns: r.primaryInstances.map((i) => `arn:aws:ec2:${region}:${account}:instance/${i}`),
      };
    case 's3-bucket':
      return { resourceType: 'S3', arns: [`arn:aws:s3:::${r.sourceBucket}`] };
    case 'dynamodb-global-table':
      return {
        resourceType: 'DynamoDB',
        arns: [`arn:aws:dynamodb:${region}:${account}:table/${r.tableName}`],
      };
    default:
      return undefined;
  }
}

/** The service's AWS Backup restore testing plan (names allow letters, digits and underscores only). */
export const restoreTestingPlanName = (service: string): string => `lifeboat_${service.replace(/-/g, '_')}`;

/** The AWS Backup restore role of a service (IAM role names: at most 64 characters). */
export const restoreRoleName = (service: string): string => `lifeboat-backup-restore-${service}`.slice(0, 64);

/**
 * AWS Backup restore testing's cron at the drill interval: the most frequent of daily, weekly and monthly
 * (or every N months) that is not more frequent than the interval asks for.
 */
export function restoreTestingCron(intervalMs: number): string {
  const days = intervalMs / DAY_MS;
  if (days < 7) return 'cron(0 5 * * ? *)';
  if (days < 30) return 'cron(0 5 ? * MON *)';
  const months = Math.min(12, Math.floor(days / 30));
  return months <= 1 ? 'cron(0 5 1 * ? *)' : `cron(0 5 1 */${months} ? *)`;
}

/** How often the restore testing plan of `restoreTestingCron(intervalMs)` runs (a month counted as 30 days). */
export function restoreTestingEveryMs(intervalMs: number): number {
  const days = intervalMs / DAY_MS;
  if (days < 7) return DAY_MS;
  if (days < 30) return 7 * DAY_MS;
  return Math.min(12, Math.max(1, Math.floor(days / 30))) * 30 * DAY_MS;
}

const days = (ms: number): number => Math.round(ms / DAY_MS);

/** `dailyAt: "03:30"` as AWS Backup's cron (minute hour, every day). */
export function dailyCron(at: string): string {
  const [h = '0', m = '0'] = at.split(':');
  return `cron(${Number(m)} ${Number(h)} * * ? *)`;
}

/** The resolved backups of one service, or undefined when it has no `backups` section. */
export function resolveBackups(
  plan: Pick<ParsedPlan, 'account' | 'timezone' | 'backups' | 'defaults'>,
  name: string,
  service: Service,
): ResolvedBackups | undefined {
  const own = service.backups;
  if (!own) return undefined;
  const base: PlanBackups = plan.backups ?? {};
  const pick = <K extends keyof PlanBackups>(key: K): PlanBackups[K] => own[key] ?? base[key];
  const account = service.account ?? plan.account ?? '000000000000';
  const schedule = pick('schedule') ?? { dailyAt: '03:00' };
  const retentionDays = days(pick('retention') ?? DEFAULT_RETENTION_DAYS * DAY_MS);
  const copy = pick('copy');
  const lock = pick('vaultLock');
  const covered = own.resources
    ? service.resources.filter((r) => own.resources?.includes(r.id))
    : service.resources;
  const resources: BackedUpResource[] = [];
  for (const r of covered) {
    const arns = backupArns(r, { account, region: service.primaryRegion });
    if (arns && arns.arns.length > 0) resources.push({ id: r.id, kind: r.kind, ...arns });
  }
  return {
    service: name,
    vaultName: own.vaultName ?? `lifeboat-${name}`,
    scheduleExpression: schedule.dailyAt ? dailyCron(schedule.dailyAt) : (schedule.cron ?? ''),
    timezone: pick('timezone') ?? plan.timezone,
    startWindowMinutes: Math.round((pick('startWindow') ?? DEFAULT_START_WINDOW_MINUTES * 60_000) / 60_000),
    intervalMs: schedule.dailyAt ? DAY_MS : (service.backupInterval ?? plan.defaults.backupInterval),
    retentionDays,
    copy: {
      retentionDays: copy?.retention ? days(copy.retention) : retentionDays,
      account: copy?.account ?? account,
    },
    kmsKeys: { ...(pick('kmsKeys') ?? {}) },
    ...(lock
      ? {
          vaultLock: {
            mode: lock.mode,
            minRetentionDays: days(lock.minRetention),
            ...(lock.maxRetention ? { maxRetentionDays: days(lock.maxRetention) } : {}),
            ...(lock.mode === 'compliance'
              ? {
                  changeableForDays: lock.changeableFor
                    ? days(lock.changeableFor)
                    : DEFAULT_CHANGEABLE_FOR_DAYS,
                }
              : {}),
          },
        }
      : {}),
    restoreTesting: pick('restoreTesting') ?? false,
    drillRestore: pick('drillRestore') ?? false,
    restoreRoleArn: `arn:aws:iam::${account}:role/${restoreRoleName(name)}`,
    account,
    primaryRegion: service.primaryRegion,
    recoveryRegion: service.recoveryRegion,
    resources,
  };
}

/** Every service's resolved backups, in plan order. */
export function resolveAllBackups(
  plan: Pick<ParsedPlan, 'account' | 'timezone' | 'backups' | 'defaults' | 'services'>,
): ResolvedBackups[] {
  return Object.entries(plan.services).flatMap(([name, svc]) => {
    const resolved = resolveBackups(plan, name, svc);
    return resolved ? [resolved] : [];
  });
}

type PathKey = string | number;

/**
 * Rules of the backups sections that span fields or the plan-wide defaults: resource ids, key Regions, and
 * retention inside the Vault Lock range (AWS Backup fails backup and copy jobs to a locked vault whose
 * lifecycle is outside it: PutBackupVaultLockConfiguration API reference). A problem is reported where the
 * value that breaks it is written: the service's section, else the plan-wide one.
 */
export function backupProblems(parsed: ParsedPlan): { path: PathKey[]; message: string }[] {
  const problems: { path: PathKey[]; message: string }[] = [];
  for (const [name, svc] of Object.entries(parsed.services)) {
    const own = svc.backups;
    if (!own) continue;
    const base: PathKey[] = ['services', name, 'backups'];
    const where = (field: keyof PlanBackups): PathKey[] =>
      own[field] !== undefined ? [...base, field] : ['backups', field];
    own.resources?.forEach((rid, i) => {
      const r = svc.resources.find((x) => x.id === rid);
      if (!r) {
        problems.push({
          path: [...base, 'resources', i],
          message: `expected the id of a resource of this service; "${rid}" is not one`,
        });
        return;
      }
      const arns = backupArns(r, { account: '000000000000', region: svc.primaryRegion });
      if (!arns) {
        problems.push({
          path: [...base, 'resources', i],
          message: `expected a resource AWS Backup can back up (aurora-global-cluster, rds-instance, ec2, s3-bucket, dynamodb-global-table); "${rid}" is ${r.kind}`,
        });
      } else if (arns.arns.length === 0) {
        problems.push({
          path: [...base, 'resources', i],
          message: `expected primaryInstances on "${rid}": AWS Backup backs up instances, and it names none`,
        });
      }
    });
    const resolved = resolveBackups(parsed, name, svc);
    if (!resolved) continue;
    if (resolved.resources.length === 0)
      problems.push({ path: base, message: 'expected at least one resource AWS Backup can back up' });
    for (const which of ['primary', 'recovery'] as const) {
      const key = resolved.kmsKeys[which];
      const region = which === 'primary' ? svc.primaryRegion : svc.recoveryRegion;
      if (key && key.split(':')[3] !== region)
        problems.push({
          path: [...where('kmsKeys'), which],
          message: `expected a KMS key in ${region} (a vault is encrypted with a key of its own Region); this one is in ${key.split(':')[3]}`,
        });
    }
    const lock = resolved.vaultLock;
    if (lock) {
      const lockPath = where('vaultLock');
      if (lock.maxRetentionDays !== undefined && lock.maxRetentionDays < lock.minRetentionDays)
        problems.push({
          path: [...lockPath, 'maxRetention'],
          message: `expected maxRetention (${lock.maxRetentionDays}d) at least minRetention (${lock.minRetentionDays}d)`,
        });
      const checks: [string, number, PathKey[]][] = [
        ['retention', resolved.retentionDays, where('retention')],
        ['copy.retention', resolved.copy.retentionDays, [...where('copy'), 'retention']],
      ];
      for (const [label, value, path] of checks) {
        const outside =
          value < lock.minRetentionDays ||
          (lock.maxRetentionDays !== undefined && value > lock.maxRetentionDays);
        if (outside)
          problems.push({
            path,
            message: `expected ${label} (${value}d) within the Vault Lock range ${lock.minRetentionDays}d–${lock.maxRetentionDays ?? '∞'}${lock.maxRetentionDays !== undefined ? 'd' : ''}: AWS Backup fails backup and copy jobs to a locked vault outside it`,
          });
      }
    }
  }
  return problems;
}
