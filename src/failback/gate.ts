import type { FailbackReadiness } from './types.js';

export type FailbackGate =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'not-failed-over' | 'not-ready'; readonly message: string };

/**
 * Whether a failback may be requested now: only for a service serving from its recovery Region whose
 * replication back to the primary Region exists and has caught up. The message says what is missing.
 */
export function failbackGate(readiness: FailbackReadiness): FailbackGate {
  if (readiness.serving !== 'recovery')
    return {
      ok: false,
      reason: 'not-failed-over',
      message:
        readiness.serving === 'primary'
          ? `${readiness.service} already serves from its primary Region ${readiness.primaryRegion} (${readiness.servingReason}); there is nothing to fail back.`
          : `Lifeboat cannot tell that ${readiness.service} serves from its recovery Region (${readiness.servingReason}); failback is refused.`,
    };
  const open = readiness.items.filter((i) => i.status !== 'ready');
  if (open.length > 0)
    return {
      ok: false,
      reason: 'not-ready',
      message: `Replication back to ${readiness.primaryRegion} is not ready:\n${open
        .map((i) => `• ${i.resourceId}: ${i.text}`)
        .join('\n')}`,
    };
  return { ok: true };
}

/** The setup steps the readiness check offers (missing items Lifeboat can set up). */
export const offeredSetup = (readiness: FailbackReadiness) =>
  readiness.items.flatMap((i) => (i.status === 'missing' && i.setup ? [i.setup] : []));
