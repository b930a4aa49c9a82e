import type { ExecutionRecord } from '../domain/records.js';

/** One log line's fields and message for a recorded change of an execution (Logs Insights follows a failover by them). */
export interface ChangeLine {
  readonly fields: Readonly<Record<string, string | number>>;
  readonly msg: string;
}

/**
 * What a write changed, as log lines: the execution's state, and each step whose state or attempt
 * changed (with its error). The caller's child logger carries executionId, service and kind.
 */
export function changeLines(before: ExecutionRecord, after: ExecutionRecord): ChangeLine[] {
  const lines: ChangeLine[] = [];
  for (const [step, record] of Object.entries(after.steps)) {
    const was = before.steps[step];
    if (was?.state === record.state && was.attempts === record.attempts) continue;
    lines.push({
      fields: {
        step,
        stepState: record.state,
        attempt: record.attempts,
        ...(record.region ? { region: record.region } : {}),
        ...(record.error && record.state === 'failed' ? { error: record.error } : {}),
        ...(record.decidedBy ? { decidedBy: record.decidedBy } : {}),
      },
      msg: `step ${record.state}`,
    });
  }
  if (before.state !== after.state) {
    lines.push({
      fields: {
        state: after.state,
        from: before.state,
        ...(after.pausedAtStep && after.state === 'pausedByFailedStep' ? { step: after.pausedAtStep } : {}),
        ...(after.lastError && after.state === 'pausedByFailedStep' ? { error: after.lastError } : {}),
      },
      msg: `execution ${after.state}`,
    });
  }
  return lines;
}
