import type { Timeline } from '../domain/timeline.js';
import type { Service } from '../plan/schema.js';
import { formatDuration } from '../readiness/format.js';
import type { DrillResultRecord } from './store.js';
import type { DrillRecord, DrillResult, DrillStepKind, DrillStepRecord } from './types.js';

/**
 * The data age a drill step's copy is judged against, on the drill's timeline:
 * - a snapshot restore (Aurora, RDS): the backup interval — a snapshot is as old as the schedule makes it;
 * - a replicated read (S3, DynamoDB): the service RPO; when what it reads is the readiness canary's heartbeat,
 *   the RPO plus the time between heartbeats (`heartbeatEveryMs`, a clock duration): the canary writes one at
 *   most every max(canary interval, checkInterval), so a heartbeat that old loses no data. That cadence is
 *   reckoned on the timeline like the age itself (the sandbox's 60x: 5 minutes of clock are 5 simulated hours).
 */
export function rpoTargetFor(
  kind: DrillStepKind,
  service: Service,
  defaultBackupMs: number,
  heartbeat?: { readonly everyMs: number; readonly nowMs: number; readonly timeline: Timeline },
): number | undefined {
  if (kind === 'read-s3' || kind === 'read-dynamodb')
    return heartbeat
      ? service.rpo +
          Math.max(0, heartbeat.timeline.elapsed(heartbeat.nowMs - heartbeat.everyMs, heartbeat.nowMs))
      : service.rpo;
  if (kind === 'restore-aurora' || kind === 'restore-rds') return service.backupInterval ?? defaultBackupMs;
  return undefined;
}

/** How often the readiness canary writes a heartbeat to a resource, when it has one (a clock duration). */
export function heartbeatEvery(
  service: Service,
  resourceId: string,
  checkIntervalMs: number,
): number | undefined {
  const r = service.resources.find((x) => x.id === resourceId);
  if (!r || (r.kind !== 's3-bucket' && r.kind !== 'dynamodb-global-table') || !r.canary?.enabled)
    return undefined;
  return Math.max(r.canary.interval, checkIntervalMs);
}

/**
 * A step's figures once it is ready: time to ready and data age at the moment it came up, reckoned on the
 * timeline (wall clock against AWS; simulated time in the sandbox).
 */
export function measureStep(
  step: DrillStepRecord,
  readyAtMs: number,
  rpoTargetMs: number | undefined,
  timeline: Timeline,
) {
  const rtoMs =
    step.startedAtMs === undefined ? undefined : Math.max(0, timeline.elapsed(step.startedAtMs, readyAtMs));
  // A copy's data age is fixed by its source: how old its newest data was when the drill brought it up.
  const rpoMs =
    step.dataAtMs === undefined || step.kind === 'launch-ec2'
      ? undefined
      : Math.max(0, timeline.elapsed(step.dataAtMs, step.startedAtMs ?? readyAtMs));
  return {
    readyAtMs,
    ...(rtoMs !== undefined ? { rtoMs } : {}),
    ...(rpoMs !== undefined ? { rpoMs } : {}),
    ...(rpoTargetMs !== undefined ? { rpoTargetMs } : {}),
  };
}

/**
 * Pass/fail of a finished drill: every step ready, time to ready within the RTO target, the worst replicated
 * data age within the RPO target, and each restored copy within its own target. Step figures are already on
 * the timeline; the drill's time to ready is reckoned on it too, and carries its note when not wall-clock time.
 */
/** Whether a ready step's copy is older than its own target: the drill card marks that row, the result says why. */
export const overTarget = (s: Pick<DrillStepRecord, 'rpoMs' | 'rpoTargetMs'>): boolean =>
  s.rpoMs !== undefined && s.rpoTargetMs !== undefined && s.rpoMs > s.rpoTargetMs;

export function judge(
  drill: DrillRecord,
  service: Service,
  endedAtMs: number,
  timeline: Timeline,
): DrillResult {
  const steps = drill.order.map((id) => drill.steps[id]).filter((s): s is DrillStepRecord => s !== undefined);
  const rtoMs = Math.max(0, timeline.elapsed(drill.startedAtMs ?? endedAtMs, drill.readyAtMs ?? endedAtMs));
  // The drill's RPO: the replicated copy whose data is oldest, against that copy's own target.
  const replicated = steps
    .filter((s) => (s.kind === 'read-s3' || s.kind === 'read-dynamodb') && s.rpoMs !== undefined)
    .sort((a, b) => (b.rpoMs ?? 0) - (a.rpoMs ?? 0));
  const worst = replicated[0];
  const rpoMs = worst?.rpoMs;
  const reasons: string[] = [];
  for (const s of steps) {
    if (s.state !== 'ready') reasons.push(`${s.resourceId} did not come up${s.error ? `: ${s.error}` : ''}`);
    else if (overTarget(s))
      reasons.push(
        `${s.resourceId}: data ${formatDuration(s.rpoMs ?? 0)} old, over its ${formatDuration(s.rpoTargetMs ?? 0)} target`,
      );
  }
  if (rtoMs > service.rto)
    reasons.push(
      `time to ready ${formatDuration(rtoMs)} is over the RTO target ${formatDuration(service.rto)}`,
    );
  return {
    passed: reasons.length === 0,
    rtoMs,
    ...(rpoMs !== undefined ? { rpoMs } : {}),
    rtoTargetMs: service.rto,
    rpoTargetMs: worst?.rpoTargetMs ?? service.rpo,
    reasons,
    ...(timeline.note ? { timeNote: timeline.note } : {}),
  };
}

export function resultRecord(
  drill: DrillRecord,
  result: DrillResult,
  finishedAtMs: number,
): DrillResultRecord {
  return {
    ...result,
    drillId: drill.id,
    service: drill.service,
    startedAtMs: drill.startedAtMs ?? drill.createdAtMs,
    finishedAtMs,
    steps: drill.order.flatMap((id) => {
      const s = drill.steps[id];
      if (!s) return [];
      return [
        {
          id: s.id,
          kind: s.kind,
          resourceId: s.resourceId,
          state: s.state,
          ...(s.rtoMs !== undefined ? { rtoMs: s.rtoMs } : {}),
          ...(s.rpoMs !== undefined ? { rpoMs: s.rpoMs } : {}),
          ...(s.rpoTargetMs !== undefined ? { rpoTargetMs: s.rpoTargetMs } : {}),
        },
      ];
    }),
  };
}
