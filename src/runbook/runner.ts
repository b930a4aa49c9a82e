import { type RunbookDeps, RunbookError, type RunbookRunner } from './types.js';

/** The runbook engine (work in progress: the signature is stable, the implementation lands next). */
export function createRunbookRunner(deps: RunbookDeps): RunbookRunner {
  const todo = (): never => {
    throw new RunbookError('unsupported', `runbook engine not implemented yet (${deps.instanceId})`);
  };
  return {
    run: async () => todo(),
    track: async () => todo(),
    resumeAll: async () => todo(),
    decide: async () => todo(),
    dryRun: async () => todo(),
    plannedCalls: async () => todo(),
    idle: async () => undefined,
    stop: async () => undefined,
  };
}
