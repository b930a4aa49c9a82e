import type { Plan } from '../plan/load.js';
import type { Step } from '../plan/schema.js';
import { type StepEnv, stepContext } from './drive-step.js';
import { errorText } from './executors/call.js';
import { type ExecutorRegistry, executorFor, type Observation } from './executors/index.js';
import { routeFor } from './stages.js';
import {
  type DryRunPlan,
  type DryRunStep,
  type PlannedCall,
  RunbookError,
  type RunbookKind,
  type RunbookMode,
} from './types.js';

type Env = Pick<StepEnv, 'aws' | 'clock' | 'callTimeoutMs' | 'origin'> & {
  readonly executors: ExecutorRegistry;
};

export const DRY_RUN_EXECUTION = '<execution id>';

/** Kinds whose checks are expected to fail before the runbook has run: not warned about. */
const CHECKED_AFTERWARDS = new Set<Step['kind']>(['verify']);

/**
 * The exact ordered calls a run would make now and the preconditions they depend on, built from
 * the same executors the runner uses, with a caller that refuses anything but Describe/Get/List/Head.
 */
export async function dryRun(
  env: Env,
  plan: Plan,
  service: string,
  mode: RunbookMode,
  kind: RunbookKind = 'failover',
): Promise<DryRunPlan> {
  const generatedAtMs = env.clock.now();
  let route: ReturnType<typeof routeFor>;
  try {
    route = routeFor(plan, service, kind);
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    return {
      service,
      kind,
      mode,
      sourceRegion: '',
      targetRegion: '',
      steps: [],
      warnings: [],
      error: error.message,
      generatedAtMs,
    };
  }
  const stepEnv = {
    route,
    kind,
    mode,
    aws: env.aws,
    clock: env.clock,
    ...(env.origin ? { origin: env.origin } : {}),
  };
  const warnings: string[] = [];
  const steps: DryRunStep[] = [];
  let estimateMs = 0;
  for (const stage of route.stages) {
    const planned = await Promise.all(
      stage.steps.map(async (step) => {
        const executor = executorFor(env.executors, step);
        const ctx = stepContext(stepEnv, step, DRY_RUN_EXECUTION, () => undefined, true, env.callTimeoutMs);
        let observation: Observation | undefined;
        try {
          observation = await executor.observe(ctx);
        } catch (error) {
          warnings.push(`${step.id}: could not observe: ${errorText(error)}`);
        }
        const preconditions = [...(observation?.preconditions ?? [])];
        if (observation?.state === 'done' && !CHECKED_AFTERWARDS.has(step.kind))
          preconditions.push({ name: 'already done', ok: true, observed: observation.summary });
        if (observation?.state === 'failed')
          preconditions.push({ name: 'can run', ok: false, observed: observation.summary });
        if (!CHECKED_AFTERWARDS.has(step.kind))
          for (const p of preconditions)
            if (p.ok !== true) warnings.push(`${step.id}: ${p.name}: ${p.observed}`);
        const calls: PlannedCall[] =
          observation?.state === 'done' && !CHECKED_AFTERWARDS.has(step.kind)
            ? []
            : executor.calls(ctx, observation).map((c) => ({ ...c, input: placeholders(c.input) }));
        const result: DryRunStep = {
          id: step.id,
          kind: step.kind,
          action: executor.describe(ctx),
          irreversible: executor.irreversible(ctx),
          estimateMs: step.estimate ?? plan.defaults.stepEstimate,
          timeoutMs: step.timeout ?? executor.defaultTimeoutMs,
          ...(stage.parallel ? { parallelGroup: stage.index } : {}),
          region: executor.region?.(ctx) ?? route.targetRegion,
          calls,
          preconditions,
        };
        return result;
      }),
    );
    steps.push(...planned);
    estimateMs += Math.max(...planned.map((s) => s.estimateMs ?? 0));
  }
  return {
    service,
    kind,
    mode,
    sourceRegion: route.sourceRegion,
    targetRegion: route.targetRegion,
    steps,
    estimateMs,
    warnings,
    generatedAtMs,
  };
}

/** Tokens derived from the execution id are only known at run time. */
function placeholders(input: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return 'ClientToken' in input
    ? { ...input, ClientToken: '<derived from the execution and step ids>' }
    : input;
}
