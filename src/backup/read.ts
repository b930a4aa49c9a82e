import type {
  BackupClient,
  BackupJob,
  CopyJob,
  DescribeBackupVaultCommandOutput,
  RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { sdk } from '../adapters/aws/sdk.js';

/**
 * Reads of AWS Backup that readiness, the digest and drills share. Each takes a `call` that runs one AWS call
 * (readiness: under its limiter and timeout, tagged with the IAM action) and reads at most MAX_PAGES pages.
 * AWS Backup lists are not documented as sorted: the newest is picked by date here.
 */

export type Call = <T>(action: string, fn: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

const MAX_PAGES = 5;

/** Completed recovery points (COMPLETED, or AVAILABLE for some types): the ones a restore can use. */
const USABLE = new Set(['COMPLETED', 'AVAILABLE']);

export interface RecoveryPointSeen {
  readonly arn: string;
  readonly createdAt: number;
  readonly keyArn?: string;
  readonly encrypted: boolean;
  readonly vaultName?: string;
}

async function pages<T>(fetch: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await fetch(token);
    all.push(...out.items);
    token = out.next;
    if (!token) break;
  }
  return all;
}

function newest<T>(items: readonly T[], at: (item: T) => number | undefined): T | undefined {
  let best: T | undefined;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const t = at(item);
    if (t !== undefined && t > bestAt) {
      best = item;
      bestAt = t;
    }
  }
  return best;
}

/** What both recovery point listings answer of a point (by resource, and by vault). */
interface ListedPoint {
  readonly RecoveryPointArn?: string;
  readonly CreationDate?: Date;
  readonly Status?: string;
  readonly EncryptionKeyArn?: string;
}

/** The newest usable point of a listing, with its ARN and date; undefined when none. */
function newestUsable<P extends ListedPoint>(
  points: readonly P[],
): (P & { readonly RecoveryPointArn: string; readonly CreationDate: Date }) | undefined {
  const best = newest(
    points.filter((p) => USABLE.has(p.Status ?? '')),
    (p) => p.CreationDate?.getTime(),
  );
  return best?.RecoveryPointArn && best.CreationDate
    ? { ...best, RecoveryPointArn: best.RecoveryPointArn, CreationDate: best.CreationDate }
    : undefined;
}

/** The newest usable recovery point of a resource in the client's Region (its own backups, not copies). */
export async function newestRecoveryPoint(
  client: BackupClient,
  call: Call,
  resourceArn: string,
): Promise<RecoveryPointSeen | undefined> {
  const points = await pages(async (token) => {
    const out = await call('backup:ListRecoveryPointsByResource', (abortSignal) =>
      client.send(
        new (sdk.backup().ListRecoveryPointsByResourceCommand)({
          ResourceArn: resourceArn,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    return { items: out.RecoveryPoints ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
  });
  const best = newestUsable(points);
  return best && seenOf(best, best.EncryptionKeyArn !== undefined, best.BackupVaultName);
}

/** The newest usable recovery point of a resource in a vault (in the recovery Region: its copies). */
export async function newestInVault(
  client: BackupClient,
  call: Call,
  vaultName: string,
  resourceArn: string,
): Promise<RecoveryPointSeen | undefined> {
  const points = await pages(async (token) => {
    const out = await call('backup:ListRecoveryPointsByBackupVault', (abortSignal) =>
      client.send(
        new (sdk.backup().ListRecoveryPointsByBackupVaultCommand)({
          BackupVaultName: vaultName,
          ByResourceArn: resourceArn,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    return { items: out.RecoveryPoints ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
  });
  const best = newestUsable(points);
  return best && seenOf(best, best.IsEncrypted ?? best.EncryptionKeyArn !== undefined, vaultName);
}

/** What readiness keeps of a recovery point either listing picked. */
function seenOf(
  point: { RecoveryPointArn: string; CreationDate: Date; EncryptionKeyArn?: string | undefined },
  encrypted: boolean,
  vaultName: string | undefined,
): RecoveryPointSeen {
  return {
    arn: point.RecoveryPointArn,
    createdAt: point.CreationDate.getTime(),
    ...(point.EncryptionKeyArn ? { keyArn: point.EncryptionKeyArn } : {}),
    encrypted,
    ...(vaultName ? { vaultName } : {}),
  };
}

/** The latest copy job of a resource (listed in the source Region), created after `since`. */
export async function latestCopyJob(
  client: BackupClient,
  call: Call,
  resourceArn: string,
  since: number,
  state?: 'COMPLETED',
): Promise<CopyJob | undefined> {
  const jobs = await pages(async (token) => {
    const out = await call('backup:ListCopyJobs', (abortSignal) =>
      client.send(
        new (sdk.backup().ListCopyJobsCommand)({
          ByResourceArn: resourceArn,
          ByCreatedAfter: new Date(since),
          ...(state ? { ByState: state } : {}),
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    return { items: out.CopyJobs ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
  });
  return newest(jobs, (j) => j.CreationDate?.getTime());
}

/** Backup jobs of a resource in one state (e.g. EXPIRED: a missed window) created after `since`. */
export async function backupJobsIn(
  client: BackupClient,
  call: Call,
  resourceArn: string,
  state: 'EXPIRED' | 'FAILED',
  since: number,
): Promise<BackupJob[]> {
  return pages(async (token) => {
    const out = await call('backup:ListBackupJobs', (abortSignal) =>
      client.send(
        new (sdk.backup().ListBackupJobsCommand)({
          ByResourceArn: resourceArn,
          ByState: state,
          ByCreatedAfter: new Date(since),
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    return { items: out.BackupJobs ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
  });
}

export function describeVault(
  client: BackupClient,
  call: Call,
  vaultName: string,
): Promise<DescribeBackupVaultCommandOutput> {
  return call('backup:DescribeBackupVault', (abortSignal) =>
    client.send(new (sdk.backup().DescribeBackupVaultCommand)({ BackupVaultName: vaultName }), {
      abortSignal,
    }),
  );
}

/** The latest restore job of the named restore testing plan for any of `resourceArns`, or why there is none. */
export async function latestRestoreTest(
  client: BackupClient,
  call: Call,
  planName: string,
  resourceArns: readonly string[],
): Promise<{ plan?: string; job?: RestoreJobsListMember }> {
  const plans = await pages(async (token) => {
    const out = await call('backup:ListRestoreTestingPlans', (abortSignal) =>
      client.send(
        new (sdk.backup().ListRestoreTestingPlansCommand)({ ...(token ? { NextToken: token } : {}) }),
        {
          abortSignal,
        },
      ),
    );
    return { items: out.RestoreTestingPlans ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
  });
  const arn = plans.find((p) => p.RestoreTestingPlanName === planName)?.RestoreTestingPlanArn;
  if (!arn) return {};
  const jobs = await pages(async (token) => {
    const out = await call('backup:ListRestoreJobs', (abortSignal) =>
      client.send(
        new (sdk.backup().ListRestoreJobsCommand)({
          ByRestoreTestingPlanArn: arn,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    return { items: out.RestoreJobs ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
  });
  const job = newest(
    jobs.filter((j) => resourceArns.includes(j.SourceResourceArn ?? '')),
    (j) => j.CreationDate?.getTime(),
  );
  return job ? { plan: arn, job } : { plan: arn };
}
