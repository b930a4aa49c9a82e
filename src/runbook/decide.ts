import { ConflictError } from '../adapters/store/versioned.js';
import type { ExecutionRecord, StepRecord } from '../domain/records.js';
import { abortSummary } from './abort.js';
import type { ActiveIndex } from './active-index.js';
import type { ExecutorRegistry } from './executors/index.js';
import { routeFor } from './stages.js';
import {
  type Decision,
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
 * A person's decision on a paused execution, conditional on the version they saw: retry (failed
 * steps back to pending), skip (the paused step skipped) or abort (with a summary of which Region
 * holds each resource). Audited as step.retry, step.skip or execution.aborted.
 */
export async function decideExecution(
  env: DecideEnv,
  executionId: string,
  choice: Decision,
  userId: string,
): Promise<Execution> {
  const { deps, executors, index } = env;
  const e = await load(deps, executionId);
  if (e.state !== 'pausedByFailedStep')
    throw new RunbookError(
      'not_paused',
      `execution ${executionId} is ${e.state}, not paused by a failed step`,
      e,
    );
  const now = deps.clock.now();
  const stepId = e.pausedAtStep;
  const audit = (
    type: 'step.retry' | 'step.skip' | 'execution.aborted',
    details: Record<string, string | number | null>,
  ) =>
    deps.audit.append({
      type,
      actor: userId,
      service: e.service,
      executionId,
      details: { requestId: executionId, stepId: stepId ?? null, ...details },
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
  if (choice === 'abort') {
    await audit('execution.aborted', { summary: saved.abortSummary?.text ?? '' });
    await index.remove(executionId);
  } else {
    await audit(choice === 'retry' ? 'step.retry' : 'step.skip', {});
  }
  return saved;
}
