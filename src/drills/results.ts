import type { Timeline } from '../domain/timeline.js';
import type { Service } from '../plan/schema.js';
import { formatDuration } from '../readiness/format.js';
import type { DrillResultRecord } from './store.js';
import type { DrillRecord, DrillResult, DrillStepKind, DrillStepRecord } from './types.js';

/** Replicated data is judged against the service RPO; data restored from a snapshot against the backup interval. */
export function rpoTargetFor(
  kind: DrillStepKind,
  service: Service,
  defaultBackupMs: number,
): number | undefined {
  if (kind === 'read-s3' || kind === 'read-dynamodb') return service.rpo;
  if (kind === 'restore-aurora' || kind === 'restore-rds') return service.backupInterval ?? defaultBackupMs;
  return undefined;
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
export function judge(
  drill: DrillRecord,
  service: Service,
  endedAtMs: number,
  timeline: Timeline,
): DrillResult {
  const steps = drill.order.map((id) => drill.steps[id]).filter((s): s is DrillStepRecord => s !== undefined);
  const rtoMs = Math.max(0, timeline.elapsed(drill.startedAtMs ?? endedAtMs, drill.readyAtMs ?? endedAtMs));
  const replicated = steps
    .filter((s) => s.kind === 'read-s3' || s.kind === 'read-dynamodb')
    .map((s) => s.rpoMs)
    .filter((v): v is number => v !== undefined);
  const rpoMs = replicated.length > 0 ? Math.max(...replicated) : undefined;
  const reasons: string[] = [];
  for (const s of steps) {
    if (s.state !== 'ready') reasons.push(`${s.resourceId} did not come up${s.error ? `: ${s.error}` : ''}`);
    else if (s.rpoMs !== undefined && s.rpoTargetMs !== undefined && s.rpoMs > s.rpoTargetMs)
      reasons.push(
        `${s.resourceId}: data ${formatDuration(s.rpoMs)} old, over its ${formatDuration(s.rpoTargetMs)} target`,
      );
  }
  if (rtoMs > service.rto)
    reasons.push(
      `time to ready ${formatDuration(rtoMs)} is over the RTO target ${formatDuration(service.rto)}`,
    );
  if (rpoMs !== undefined && rpoMs > service.rpo)
    reasons.push(`data age ${formatDuration(rpoMs)} is over the RPO target ${formatDuration(service.rpo)}`);
  return {
    passed: reasons.length === 0,
    rtoMs,
    ...(rpoMs !== undefined ? { rpoMs } : {}),
    rtoTargetMs: service.rto,
    rpoTargetMs: service.rpo,
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
