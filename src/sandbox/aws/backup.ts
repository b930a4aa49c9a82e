import { randomUUID } from 'node:crypto';
import { type ResolvedBackups, resolveAllBackups } from '../../plan/backups.js';
import type { ParsedPlan } from '../../plan/schema.js';
import {
  BACKUP_DURATION,
  COPY_DURATION,
  FULLY_MANAGED,
  type ResourceType,
  recoveryPointArn,
} from './backup-shapes.js';
import { emitChange, nextId, type World } from './world.js';

export {
  DEFAULT_COPY_FAILURE,
  DEFAULT_RESTORE_FAILURE,
  RESTORE_DURATION,
  type ResourceType,
  restoredArn,
} from './backup-shapes.js';

/**
 * AWS Backup as the plan's backups sections deploy it (infra/lib/backups.ts): a vault per service and Region
 * (encrypted with the plan's key or one the stack creates, Vault Lock as planned), a daily backup plan whose
 * backup jobs make recovery points in the primary vault and copy jobs copy them to the recovery vault, and a
 * restore testing plan in the recovery Region. Every behaviour is cited in FIDELITY.md ("AWS Backup").
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface BackupVault {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly keyArn: string;
  readonly createdAt: number;
  lock?: { minRetentionDays?: number; maxRetentionDays?: number; lockDate?: number };
}

export interface RecoveryPoint {
  readonly arn: string;
  readonly region: string;
  readonly vaultName: string;
  readonly resourceArn: string;
  readonly resourceType: ResourceType;
  /** For a copy: the source's creation time (what the data's age is; FIDELITY.md says why). */
  readonly createdAt: number;
  completedAt?: number;
  status: 'CREATING' | 'COMPLETED' | 'PARTIAL' | 'EXPIRED';
  readonly keyArn: string;
  readonly sourceVaultArn?: string;
  readonly deleteAfterDays: number;
  /** A copy kept in another account's vault (`copy.account`): invisible to this account's calls. */
  readonly account?: string;
}

export interface BackupJob {
  readonly id: string;
  readonly region: string;
  readonly vaultName: string;
  readonly resourceArn: string;
  readonly resourceType: ResourceType;
  readonly createdAt: number;
  completedAt?: number;
  state: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'EXPIRED' | 'FAILED';
  statusMessage?: string;
  recoveryPointArn?: string;
}

export interface CopyJob {
  readonly id: string;
  /** Copy jobs run (and are listed) in the source Region. */
  readonly region: string;
  readonly sourceVaultArn: string;
  readonly sourceRecoveryPointArn: string;
  readonly destinationVaultArn: string;
  destinationRecoveryPointArn?: string;
  readonly resourceArn: string;
  readonly resourceType: ResourceType;
  readonly createdAt: number;
  completedAt?: number;
  state: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  statusMessage?: string;
}

export interface RestoreJob {
  readonly id: string;
  readonly region: string;
  readonly recoveryPointArn: string;
  readonly vaultArn: string;
  readonly sourceResourceArn: string;
  readonly resourceType: ResourceType;
  readonly createdAt: number;
  readonly recoveryPointCreatedAt: number;
  completedAt?: number;
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED';
  statusMessage?: string;
  createdResourceArn?: string;
  readonly testingPlanArn?: string;
  validation?: 'SUCCESSFUL' | 'FAILED';
  readonly token?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface RestoreTestingPlan {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly scheduleExpression: string;
  readonly createdAt: number;
}

export class BackupModel {
  readonly vaults = new Map<string, BackupVault>();
  readonly recoveryPoints: RecoveryPoint[] = [];
  readonly backupJobs: BackupJob[] = [];
  readonly copyJobs: CopyJob[] = [];
  readonly restoreJobs: RestoreJob[] = [];
  readonly testingPlans: RestoreTestingPlan[] = [];
  readonly plans: ResolvedBackups[];
  /** Faults by plan resource id (or "*"): the next copy jobs fail with this message / backup jobs expire. */
  readonly copyFailures = new Map<string, string>();
  readonly missedWindows = new Set<string>();
  /** Restore jobs of this plan resource (or "*") fail with this StatusMessage instead of creating it. */
  readonly restoreFailures = new Map<string, string>();
  /** The service's drill interval: its restore testing plan runs at it (infra/lib/backups.ts). */
  readonly drillInterval: (service: string) => number;

  constructor(
    private readonly w: World,
    plan: ParsedPlan,
  ) {
    this.plans = resolveAllBackups(plan);
    this.drillInterval = (service) => plan.services[service]?.drillInterval ?? plan.defaults.drillInterval;
  }

  vault(region: string, name: string): BackupVault | undefined {
    return this.vaults.get(`${region}|${name}`);
  }

  vaultArn(region: string, name: string, account = this.w.account): string {
    return `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
  }

  /** Seeds what the deployed stack and three days of schedule left: vaults, recovery points, copies, tests. */
  seed(): void {
    const now = this.w.time.now();
    for (const p of this.plans) {
      for (const [region, which] of [
        [p.primaryRegion, 'primary'],
        [p.recoveryRegion, 'recovery'],
      ] as const) {
        const keyArn =
          p.kmsKeys[which] ?? `arn:aws:kms:${region}:${p.account}:key/lifeboat-backup-${p.service}`;
        const lock = p.vaultLock
          ? {
              minRetentionDays: p.vaultLock.minRetentionDays,
              ...(p.vaultLock.maxRetentionDays ? { maxRetentionDays: p.vaultLock.maxRetentionDays } : {}),
              ...(p.vaultLock.changeableForDays
                ? { lockDate: now - 30 * DAY + p.vaultLock.changeableForDays * DAY }
                : {}),
            }
          : undefined;
        this.vaults.set(`${region}|${p.vaultName}`, {
          region,
          name: p.vaultName,
          arn: this.vaultArn(region, p.vaultName),
          keyArn,
          createdAt: now - 30 * DAY,
          ...(lock ? { lock } : {}),
        });
      }
      // Seeded history is realistic time: the newest daily backup ran 6 h ago, the others a day apart.
      for (let k = 2; k >= 0; k--) {
        const at = now - 6 * HOUR - k * DAY;
        for (const r of p.resources)
          for (const arn of r.arns) this.completedCycle(p, r.id, arn, r.resourceType, at);
      }
      this.w.scheduler.at(now + this.w.time.toClock(18 * HOUR), (at) => this.cycle(p, at), {
        recurring: true,
      });
    }
  }

  /** One scheduled run of the service's backup rule at `at` (clock ms): a backup job per resource ARN. */
  cycle(p: ResolvedBackups, at: number, only?: string): void {
    for (const r of p.resources) {
      if (only && only !== '*' && r.id !== only) continue;
      for (const arn of r.arns) this.startBackup(p, r.id, arn, r.resourceType, at);
    }
    if (!only)
      this.w.scheduler.at(at + this.w.time.toClock(p.intervalMs), (next) => this.cycle(p, next), {
        recurring: true,
      });
  }

  private startBackup(p: ResolvedBackups, id: string, arn: string, type: ResourceType, at: number): void {
    const job: BackupJob = {
      id: nextId(this.w, 'backup-job', 12).toUpperCase(),
      region: p.primaryRegion,
      vaultName: p.vaultName,
      resourceArn: arn,
      resourceType: type,
      createdAt: at,
      state: 'CREATED',
    };
    this.backupJobs.push(job);
    const toClock = (ms: number) => this.w.time.toClock(ms);
    if (this.missedWindows.has(id) || this.missedWindows.has('*')) {
      // Not started within the start window: EXPIRED, no recovery point (BackupRule StartWindowMinutes).
      this.w.scheduler.at(at + toClock(p.startWindowMinutes * MINUTE), (end) => {
        job.state = 'EXPIRED';
        job.completedAt = end;
        job.statusMessage = `The backup job did not start within the start window of ${p.startWindowMinutes} minutes`;
        emitChange(this.w, 'backup-job', job.id, { state: job.state, resource: id });
      });
      return;
    }
    job.state = 'RUNNING';
    const rp = this.newRecoveryPoint(p, 'primary', arn, type, at);
    rp.status = 'CREATING';
    job.recoveryPointArn = rp.arn;
    this.w.scheduler.at(at + toClock(BACKUP_DURATION[type]), (done) => {
      job.state = 'COMPLETED';
      job.completedAt = done;
      rp.status = 'COMPLETED';
      rp.completedAt = done;
      emitChange(this.w, 'backup-job', job.id, { state: job.state, resource: id });
      const copy = this.startCopy(p, id, rp, done);
      this.w.scheduler.at(done + toClock(COPY_DURATION[type]), (end) =>
        this.finishCopy(p, id, copy, rp, end),
      );
    });
  }

  private completedCycle(p: ResolvedBackups, id: string, arn: string, type: ResourceType, at: number): void {
    const rp = this.newRecoveryPoint(p, 'primary', arn, type, at);
    rp.completedAt = at + BACKUP_DURATION[type];
    this.backupJobs.push({
      id: nextId(this.w, 'backup-job', 12).toUpperCase(),
      region: p.primaryRegion,
      vaultName: p.vaultName,
      resourceArn: arn,
      resourceType: type,
      createdAt: at,
      completedAt: rp.completedAt,
      state: 'COMPLETED',
      recoveryPointArn: rp.arn,
    });
    const copy = this.startCopy(p, id, rp, rp.completedAt);
    this.finishCopy(p, id, copy, rp, rp.completedAt + COPY_DURATION[type]);
  }

  private startCopy(p: ResolvedBackups, _id: string, rp: RecoveryPoint, at: number): CopyJob {
    const job: CopyJob = {
      id: randomUUID().toUpperCase(),
      region: p.primaryRegion,
      sourceVaultArn: this.vaultArn(p.primaryRegion, p.vaultName),
      sourceRecoveryPointArn: rp.arn,
      destinationVaultArn: this.vaultArn(p.recoveryRegion, p.vaultName, p.copy.account),
      resourceArn: rp.resourceArn,
      resourceType: rp.resourceType,
      createdAt: at,
      state: 'RUNNING',
    };
    this.copyJobs.push(job);
    return job;
  }

  private finishCopy(p: ResolvedBackups, id: string, job: CopyJob, source: RecoveryPoint, at: number): void {
    job.completedAt = at;
    const failure = this.copyFailures.get(id) ?? this.copyFailures.get('*');
    if (failure !== undefined) {
      job.state = 'FAILED';
      job.statusMessage = failure;
    } else {
      const copy = this.newRecoveryPoint(
        p,
        'recovery',
        source.resourceArn,
        source.resourceType,
        source.createdAt,
      );
      copy.completedAt = at;
      job.state = 'COMPLETED';
      job.destinationRecoveryPointArn = copy.arn;
    }
    emitChange(this.w, 'copy-job', job.id, { state: job.state, resource: id });
  }

  private newRecoveryPoint(
    p: ResolvedBackups,
    which: 'primary' | 'recovery',
    resourceArn: string,
    type: ResourceType,
    createdAt: number,
  ): RecoveryPoint {
    const region = which === 'primary' ? p.primaryRegion : p.recoveryRegion;
    const vault = this.vault(region, p.vaultName);
    const keyArn =
      which === 'recovery' || FULLY_MANAGED.has(type)
        ? (vault?.keyArn ?? '')
        : `arn:aws:kms:${region}:${p.account}:key/${type.toLowerCase()}-source-key`;
    const rp: RecoveryPoint = {
      arn: recoveryPointArn(region, p.account, type, randomUUID()),
      region,
      vaultName: p.vaultName,
      resourceArn,
      resourceType: type,
      createdAt,
      status: 'COMPLETED',
      keyArn,
      ...(which === 'recovery' ? { sourceVaultArn: this.vaultArn(p.primaryRegion, p.vaultName) } : {}),
      deleteAfterDays: which === 'primary' ? p.retentionDays : p.copy.retentionDays,
      ...(which === 'recovery' && p.copy.account !== p.account ? { account: p.copy.account } : {}),
    };
    this.recoveryPoints.push(rp);
    return rp;
  }

  newestCopy(
    p: ResolvedBackups,
    resourceArn: string,
    before = Number.POSITIVE_INFINITY,
  ): RecoveryPoint | undefined {
    return this.recoveryPoints
      .filter(
        (rp) =>
          rp.region === p.recoveryRegion &&
          rp.account === undefined &&
          rp.resourceArn === resourceArn &&
          rp.status === 'COMPLETED' &&
          (rp.completedAt ?? rp.createdAt) <= before,
      )
      .sort((a, b) => b.createdAt - a.createdAt)[0];
  }

  addRestoreJob(options: {
    region: string;
    rp: RecoveryPoint;
    at: number;
    metadata: Readonly<Record<string, string>>;
    testingPlanArn?: string;
    token?: string;
  }): RestoreJob {
    const { rp } = options;
    const job: RestoreJob = {
      id: randomUUID().toUpperCase(),
      region: options.region,
      recoveryPointArn: rp.arn,
      vaultArn: this.vaultArn(rp.region, rp.vaultName),
      sourceResourceArn: rp.resourceArn,
      resourceType: rp.resourceType,
      createdAt: options.at,
      recoveryPointCreatedAt: rp.createdAt,
      status: 'PENDING',
      metadata: options.metadata,
      ...(options.testingPlanArn ? { testingPlanArn: options.testingPlanArn } : {}),
      ...(options.token ? { token: options.token } : {}),
    };
    this.restoreJobs.push(job);
    return job;
  }

  /** The plan entry and resource id a resource ARN belongs to. */
  owner(resourceArn: string): { plan: ResolvedBackups; id: string } | undefined {
    for (const plan of this.plans)
      for (const r of plan.resources) if (r.arns.includes(resourceArn)) return { plan, id: r.id };
    return undefined;
  }
}
