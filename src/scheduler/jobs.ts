import type { S3Client } from '@aws-sdk/client-s3';
import { digestMessage } from '../../blocks/digest/digest.js';
import { type ArchiveOptions, anchorHeads, archiveDay, dayOf } from '../audit/index.js';
import type { AuditLog } from '../audit/types.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { formatDuration } from '../readiness/format.js';
import type { ReadinessService } from '../readiness/service.js';
import type { Verdict } from '../readiness/types.js';
import { dailyCron, intervalCron } from './cron.js';
import { buildDigest, type DigestSources } from './digest-model.js';
import { runReadinessWatch, type WatchState } from './readiness-watch.js';
import { addDays, DAY_MS, HOUR_MS, MINUTE_MS, nextDailySlot, previousDailySlot } from './time.js';
import type { JobDefinition, Poster, StateStore } from './types.js';

export interface DigestSnapshot {
  readonly atMs: number;
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

/** Which day the audit seal last covered, so days missed during downtime are sealed in order. */
export interface SealState {
  readonly day: string;
}

/** Sealing runs this long after midnight UTC: the audit log refuses to seal a day before a 5-minute grace. */
export const SEAL_TIME_UTC = '00:10';
/** A long outage is sealed back at most this many days (older days stay unsealed and verify says so). */
const MAX_SEAL_BACKLOG_DAYS = 31;

export function readinessCheckJob(deps: {
  readonly plan: Plan;
  readonly readiness: Pick<ReadinessService, 'check'>;
  readonly state: StateStore<WatchState>;
  readonly post: Poster;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly logger: Logger;
}): JobDefinition {
  const interval = deps.plan.checkInterval;
  return {
    name: 'readiness-check',
    description: `readiness check every ${formatDuration(interval)}; posts only on regression or recovery`,
    cron: intervalCron(interval),
    timezone: 'UTC',
    timeoutMs: Math.max(interval, 60_000),
    run: () => runReadinessWatch({ ...deps, getPlan: () => deps.plan }),
  };
}

export function digestJob(deps: {
  readonly plan: Plan;
  readonly channel: string;
  readonly readiness: Pick<ReadinessService, 'check'>;
  readonly audit: Pick<AuditLog, 'append' | 'query'>;
  readonly sources: DigestSources;
  readonly snapshots: StateStore<DigestSnapshot>;
  readonly post: Poster;
  readonly now: () => number;
}): JobDefinition {
  const { plan } = deps;
  const at = plan.slack.digestAt;
  return {
    name: 'digest',
    description: `daily digest at ${at} ${plan.timezone}`,
    cron: dailyCron(at),
    timezone: plan.timezone,
    timeoutMs: 10 * MINUTE_MS,
    previousSlot: (now) => previousDailySlot(now, at, plan.timezone),
    nextSlot: (now) => nextDailySlot(now, at, plan.timezone),
    async run({ slot, late }) {
      const previous = await deps.snapshots.get('last');
      const model = await buildDigest({
        plan,
        readiness: (service) => deps.readiness.check(service, { fresh: true }),
        audit: deps.audit,
        sources: deps.sources,
        ...(previous ? { previous } : {}),
        now: deps.now(),
        ...(late ? { lateForMs: slot } : {}),
      });
      await deps.post({ channel: deps.channel, ...digestMessage(model) });
      const verdicts: Record<string, Verdict> = {};
      for (const row of model.services) if (row.readiness) verdicts[row.service] = row.readiness.verdict;
      await deps.audit.append({
        type: 'digest.posted',
        actor: 'lifeboat',
        channel: deps.channel,
        details: { slot: new Date(slot).toISOString(), late, services: model.services.length },
      });
      await deps.snapshots.put('last', previous?.version ?? 0, { atMs: model.atMs, verdicts });
      return { late, services: model.services.length };
    },
  };
}

/** Daily: seal yesterday's audit chains (and any day missed since the last seal), archiving to S3 when configured. */
export function auditSealJob(deps: {
  readonly audit: AuditLog;
  readonly state: StateStore<SealState>;
  readonly archive?: Omit<ArchiveOptions, 'audit'> & { readonly s3: S3Client };
}): JobDefinition {
  return {
    name: 'audit-seal',
    description: `audit checkpoint${deps.archive ? ' and S3 archive' : ''} of the previous UTC day at ${SEAL_TIME_UTC} UTC`,
    cron: dailyCron(SEAL_TIME_UTC),
    timezone: 'UTC',
    timeoutMs: 30 * MINUTE_MS,
    previousSlot: (now) => previousDailySlot(now, SEAL_TIME_UTC, 'UTC'),
    nextSlot: (now) => nextDailySlot(now, SEAL_TIME_UTC, 'UTC'),
    async run({ slot }) {
      const yesterday = dayOf(slot - DAY_MS);
      const state = await deps.state.get('last');
      const days: string[] = [];
      const oldest = addDays(yesterday, 1 - MAX_SEAL_BACKLOG_DAYS);
      const next = state ? addDays(state.day, 1) : yesterday;
      for (let day = next > oldest ? next : oldest; day <= yesterday; day = addDays(day, 1)) days.push(day);
      for (const day of days) {
        if (deps.archive) await archiveDay(day, { ...deps.archive, audit: deps.audit });
        else await deps.audit.checkpoint(day);
      }
      if (days.length > 0) await deps.state.put('last', state?.version ?? 0, { day: yesterday });
      return { sealed: days };
    },
  };
}

/**
 * Hourly: anchor every chain's current head (today and yesterday) in the Object-Locked archive, so a
 * rewrite or deletion of anchored entries shows in `verify` even before the day is sealed.
 */
export function auditAnchorJob(deps: {
  readonly audit: AuditLog;
  readonly archive: Omit<ArchiveOptions, 'audit' | 'tmpDir'> & { readonly s3: S3Client };
  readonly writer: string;
  readonly now: () => number;
}): JobDefinition {
  return {
    name: 'audit-anchor',
    description: 'hourly anchor of the audit chain heads in the S3 archive',
    cron: intervalCron(HOUR_MS),
    timezone: 'UTC',
    timeoutMs: 10 * MINUTE_MS,
    async run() {
      const results = await anchorHeads({
        audit: deps.audit,
        s3: deps.archive.s3,
        bucket: deps.archive.bucket,
        ...(deps.archive.keyPrefix ? { keyPrefix: deps.archive.keyPrefix } : {}),
        ...(deps.archive.objectLock ? { objectLock: deps.archive.objectLock } : {}),
        now: deps.now(),
        writer: deps.writer,
      });
      return { anchors: results.filter((r) => r.status === 'written').map((r) => r.key) };
    },
  };
}
