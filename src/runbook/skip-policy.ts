import type { ExecutionRecord } from '../domain/records.js';
import { stepContext } from './drive-step.js';
import { type ExecutorRegistry, executorFor } from './executors/index.js';
import { allSteps, type Route } from './stages.js';
import type { RunbookDeps, RunbookKind, RunbookMode } from './types.js';

/**
 * Whether skipping a paused step needs a second approver: a `verify` step (skipping it declares the
 * recovery healthy unchecked) or a step whose action is irreversible (the next steps assume it happened).
 * A step the plan no longer has is treated as needing two (stricter when unsure).
 */
export function skipNeedsSecondApprover(
  env: {
    readonly deps: Pick<RunbookDeps, 'aws' | 'clock'>;
    readonly executors: ExecutorRegistry;
    readonly route: Route;
    readonly kind: RunbookKind;
    readonly mode: RunbookMode;
  },
  e: ExecutionRecord,
  stepId: string,
): boolean {
  const step = allSteps(env.route).find((s) => s.id === stepId);
  if (!step) return true;
  if (step.kind === 'verify') return true;
  const ctx = stepContext(
    { route: env.route, kind: env.kind, mode: env.mode, aws: env.deps.aws, clock: env.deps.clock },
    step,
    e.id,
    () => e.steps[stepId],
    true,
    30_000,
  );
  return executorFor(env.executors, step).irreversible(ctx);
}
