import { type ApproverDirectory, authorityOf } from '../approval/approvers.js';
import { auditIntent, auditOutcome } from '../approval/decision-audit.js';
import type { AuditLog } from '../audit/types.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { DrillEngine } from './engine.js';
import type { DrillStores } from './store.js';
import type { Drill } from './types.js';

export type CleanupDecision = 'keep' | 'cleanup';

export type CleanupOutcome =
  | { readonly kind: 'refused'; readonly message: string; readonly drill?: Drill }
  /** `unaudited`: it took effect under its audited intent, but the outcome entry could not be appended. */
  | { readonly kind: 'done'; readonly drill: Drill; readonly unaudited?: true };

export interface DrillDecisionsDeps {
  readonly stores: Pick<DrillStores, 'drills'>;
  readonly engine: Pick<DrillEngine, 'keep' | 'cleanupNow'>;
  readonly approvers: ApproverDirectory;
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly logger?: Pick<Logger, 'error'>;
}

/**
 * Keep running / Clean up now on a measured drill: approvers of the service only (refusals audited), and
 * audited before they take effect (`decision.intent`, the drill's new cleanup time, then `drill.kept` or
 * `drill.cleanup.requested`).
 */
export function createDrillDecisions(deps: DrillDecisionsDeps) {
  const { audit } = deps;
  const refuse = async (
    userId: string,
    decision: CleanupDecision,
    code: string,
    message: string,
    drill: Drill | undefined,
    auth = false,
  ): Promise<CleanupOutcome> => {
    await audit.append({
      type: auth ? 'auth.refused' : 'approval.refused',
      actor: userId,
      ...(drill ? { service: drill.service, executionId: drill.id } : {}),
      details: { requestId: drill?.id ?? null, kind: 'drill', action: decision, code, reason: message },
    });
    return { kind: 'refused', message, ...(drill ? { drill } : {}) };
  };

  return {
    async decide(id: string, userId: string, decision: CleanupDecision): Promise<CleanupOutcome> {
      const drill = await deps.stores.drills.get(id);
      if (!drill) return refuse(userId, decision, 'unknown-request', 'There is no such drill.', undefined);
      const authority = await authorityOf(deps.approvers, deps.getPlan(), drill.service, userId);
      if (authority.kind === 'lookup-failed')
        return refuse(
          userId,
          decision,
          'lookup-failed',
          `Lifeboat could not read the Slack user group ${authority.usergroup} (${authority.error}), so it cannot tell whether you are an approver of ${drill.service}. Nothing was done; try again in a moment.`,
          drill,
        );
      if (authority.kind !== 'approver')
        return refuse(
          userId,
          decision,
          'not-approver',
          `You are not an approver of ${drill.service} in the DR plan, so you cannot ${decision === 'keep' ? 'keep its drill running' : 'clean up its drill'}.`,
          drill,
          true,
        );
      if (drill.state !== 'awaitingCleanup')
        return refuse(
          userId,
          decision,
          'not-awaiting-cleanup',
          'This drill is not waiting for cleanup any more.',
          drill,
        );
      await auditIntent(audit, {
        decision,
        actor: userId,
        service: drill.service,
        executionId: id,
        details: { kind: 'drill', cleanupAtMs: drill.cleanupAtMs ?? null },
      });
      const next =
        decision === 'keep' ? await deps.engine.keep(id, userId) : await deps.engine.cleanupNow(id, userId);
      if (next?.state !== 'awaitingCleanup' || next.version === drill.version)
        return {
          kind: 'refused',
          message: 'This drill is not waiting for cleanup any more.',
          ...(next ? { drill: next } : {}),
        };
      const audited = await auditOutcome(
        audit,
        {
          type: decision === 'keep' ? 'drill.kept' : 'drill.cleanup.requested',
          actor: userId,
          service: drill.service,
          executionId: id,
          details: {
            requestId: id,
            cleanupAt: next.cleanupAtMs !== undefined ? new Date(next.cleanupAtMs).toISOString() : null,
          },
        },
        deps.logger,
      );
      return { kind: 'done', drill: next, ...(audited ? {} : { unaudited: true as const }) };
    },
  };
}

export type DrillDecisions = ReturnType<typeof createDrillDecisions>;
