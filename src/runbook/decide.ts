import { ConflictError } from '../adapters/store/versioned.js';
import { auditIntent, auditOutcome } from '../approval/decision-audit.js';
import type { ExecutionRecord, StepRecord } from '../domain/records.js';
import { abortSummary } from './abort.js';
import type { ActiveIndex } from './active-index.js';
import type { ExecutorRegistry } from './executors/index.js';
import { skipNeedsSecondApprover } from './skip-policy.js';
import { routeFor } from './stages.js';
import {
  type Decision,
  type DecisionBinding,
  type Execution,
  type RunbookDeps,
  RunbookError,
  type RunbookKind,
  type RunbookMode,
} from './types.js';
import { dataOf, load } from './writer.js';

export interface DecideEnv {
  readonly deps: RunbookDeps;
  readonly executors: ExecutorRegistry;
  readonly index: ActiveIndex;
}

export function runbookKind(e: ExecutionRecord): RunbookKind {
  if (e.kind === 'drill')
    throw new RunbookError('unsupported', 'drills are not run by the runbook engine yet');
  return e.kind;
}
export const runbookMode = (e: ExecutionRecord): RunbookMode =>
  e.mode === 'unplanned' ? 'unplanned' : 'planned';

/**
 * Refuses a decision made on a card that showed another paused step or attempt, and a skip agreed by the
 * requester or by one person where the step needs two (always checked, with or without a binding).
 */
function checkBinding(
  env: DecideEnv,
  e: Execution,
  choice: Decision,
  userId: string,
  bound: DecisionBinding | undefined,
): void {
  const stepId = e.pausedAtStep ?? '';
  const attempt = e.pausedAtStep ? (e.steps[e.pausedAtStep]?.attempts ?? 0) : 0;
  if (bound && (bound.stepId !== stepId || bound.attempt !== attempt))
    throw new RunbookError(
      'outdated',
      `the card showed step ${bound.stepId || '(none)'} attempt ${bound.attempt}, but the execution is now paused on step ${stepId || '(none)'} attempt ${attempt}; nothing was done`,
      e,
    );
  // Nothing to skip (paused without a failed step): refused below as unsupported.
  if (choice !== 'skip' || !stepId) return;
  const agreed = new Set(bound?.approvers ?? [userId]);
  if (agreed.has(e.requestedBy) || !agreed.has(userId))
    throw new RunbookError('self_skip', 'a skip needs approvers other than the requester', e);
  const kind = runbookKind(e);
  const route = routeFor(env.deps.getPlan(), e.service, kind);
  if (agreed.size < 2 && skipNeedsSecondApprover({ ...env, route, kind, mode: runbookMode(e) }, e, stepId))
    throw new RunbookError(
      'second_approver',
      `skipping step ${stepId} needs a second approver (it is irreversible or a verify step)`,
      e,
    );
}

/**
 * A person's decision on a paused execution, conditional on the version they saw: retry (failed
 * steps back to pending), skip (the paused step skipped) or abort (with a summary of which Region
 * holds each resource). `bound`: the step and attempt the person's card showed (else refused as
 * outdated) and, for a skip, who agreed to it. Audited before it takes effect: `decision.intent`,
 * then the transition, then step.retry, step.skip or execution.aborted (`outcomeAudited` false when
 * that last append failed: the decision stands under its audited intent).
 */
export async function decideExecution(
  env: DecideEnv,
  executionId: string,
  choice: Decision,
  userId: string,
  bound?: DecisionBinding,
): Promise<Execution & { readonly outcomeAudited?: false }> {
  const { deps, executors, index } = env;
  const e = await load(deps, executionId);
  if (e.state !== 'pausedByFailedStep')
    throw new RunbookError(
      'not_paused',
      `execution ${executionId} is ${e.state}, not paused by a failed step`,
      e,
    );
  checkBinding(env, e, choice, userId, bound);
  const now = deps.clock.now();
  const stepId = e.pausedAtStep;
  const attempt = stepId ? (e.steps[stepId]?.attempts ?? null) : null;
  const approvers = choice === 'skip' ? [...new Set(bound?.approvers ?? [userId])] : undefined;
  await auditIntent(deps.audit, {
    decision: choice,
    actor: userId,
    service: e.service,
    executionId,
    details: { stepId: stepId ?? null, attempt, ...(approvers ? { approvers } : {}) },
  });
  const audit = (
    type: 'step.retry' | 'step.skip' | 'execution.aborted',
    details: Record<string, string | number | null | string[]>,
  ) =>
    auditOutcome(deps.audit, {
      type,
      actor: userId,
      service: e.service,
      executionId,
      details: { requestId: executionId, stepId: stepId ?? null, attempt, ...details },
    });
  let next: ExecutionRecord;
  if (choice === 'abort') {
    const kind = runbookKind(e);
    const summary = await abortSummary(
      {
        route: routeFor(deps.getPlan(), e.service, kind),
        kind,
        mode: runbookMode(e),
        aws: deps.aws,
        clock: deps.clock,
        callTimeoutMs: deps.callTimeoutMs ?? 30_000,
        executors,
      },
      e,
      userId,
      now,
    );
    next = {
      ...dataOf(e),
      state: 'aborted',
      abortedBy: userId,
      abortSummary: { text: summary.text, resources: summary.resources },
      finishedAtMs: now,
      updatedAtMs: now,
    };
  } else {
    if (choice === 'skip' && !stepId)
      throw new RunbookError(
        'unsupported',
        'nothing to skip: the execution is paused without a failed step',
        e,
      );
    const steps: Record<string, StepRecord> = { ...e.steps };
    for (const [id, s] of Object.entries(steps)) {
      if (s.state !== 'failed') continue;
      if (choice === 'skip' && id === stepId) steps[id] = { ...s, state: 'skipped', decidedBy: userId };
      else if (choice === 'retry') steps[id] = { ...s, state: 'pending', decidedBy: userId };
    }
    next = {
      ...dataOf(e),
      state: 'running',
      steps,
      pausedAtStep: undefined,
      lastError: undefined,
      updatedAtMs: now,
    };
  }
  let saved: Execution;
  try {
    saved = await deps.stores.executions.transition(executionId, e.version, next);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = error.current as Execution | undefined;
    throw new RunbookError(
      'conflict',
      `execution ${executionId} changed meanwhile; nothing was done`,
      current,
    );
  }
  let audited: boolean;
  if (choice === 'abort') {
    audited = await audit('execution.aborted', { summary: saved.abortSummary?.text ?? '' });
    await index.remove(executionId);
  } else {
    audited = await audit(choice === 'retry' ? 'step.retry' : 'step.skip', approvers ? { approvers } : {});
  }
  return audited ? saved : { ...saved, outcomeAudited: false };
}
