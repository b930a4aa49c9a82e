import type { PreconditionLine, Preconditions } from '../approval/preconditions.js';
import { failbackGate } from './gate.js';
import type { FailbackReadiness } from './types.js';

const LINE = {
  ready: 'pass',
  'catching-up': 'fail',
  missing: 'fail',
  blocked: 'fail',
  unknown: 'fail',
} as const;

/**
 * A failback's approval-time preconditions, from a fresh failback check: the service serves from its
 * recovery Region and replication back to the primary Region exists and has caught up for every resource.
 * Anything else refuses the approval, with the reason per resource.
 */
export function failbackPreconditions(readiness: FailbackReadiness): Preconditions {
  const gate = failbackGate(readiness);
  const lines: PreconditionLine[] = [
    gate.ok
      ? {
          status: 'pass',
          text: `Serves from ${readiness.recoveryRegion} and replication back to ${readiness.primaryRegion} is in place and caught up; the switch back waits for every write (no data loss).`,
        }
      : {
          status: 'fail',
          text:
            gate.reason === 'not-failed-over'
              ? gate.message
              : `Replication back to ${readiness.primaryRegion} is not ready, so the failback cannot run without losing data or failing.`,
        },
    ...readiness.items.map((i) => ({ status: LINE[i.status], text: `${i.resourceId}: ${i.text}` })),
  ];
  return { ok: gate.ok, checkedAt: readiness.checkedAtMs, lines };
}
