import type { ExecutionRecord } from '../domain/records.js';
import { type StepEnv, stepContext } from './drive-step.js';
import { errorText } from './executors/call.js';
import { type ExecutorRegistry, executorFor } from './executors/index.js';
import { allSteps, type Route } from './stages.js';
import type { AbortSummary, ResourceHandover } from './types.js';

type Env = Pick<StepEnv, 'route' | 'kind' | 'mode' | 'aws' | 'clock' | 'callTimeoutMs'> & {
  readonly executors: ExecutorRegistry;
};

/**
 * Which Region each resource the runbook touches is in the hands of, stated plainly. Finished steps
 * moved theirs; steps never started left theirs; a step started but not confirmed is observed now
 * (read-only calls) and reported as AWS shows it.
 */
export async function abortSummary(
  env: Env,
  e: ExecutionRecord,
  abortedBy: string,
  atMs: number,
): Promise<AbortSummary> {
  const route: Route = env.route;
  const { sourceRegion: source, targetRegion: target } = route;
  const resources: ResourceHandover[] = [];
  for (const step of allSteps(route)) {
    if (!('resource' in step)) continue;
    const rec = e.steps[step.id];
    const base = { resourceId: step.resource, stepId: step.id, kind: step.kind };
    const state = rec?.state ?? 'pending';
    if (state === 'succeeded') {
      resources.push({
        ...base,
        status: 'moved',
        region: target,
        text: `${step.resource}: in ${target}'s hands (step ${step.id} completed)`,
      });
      continue;
    }
    if (state === 'pending' || state === 'skipped') {
      const why = state === 'skipped' ? `step ${step.id} was skipped` : `step ${step.id} never ran`;
      resources.push({
        ...base,
        status: 'unchanged',
        region: source,
        text: `${step.resource}: still in ${source}'s hands (${why})`,
      });
      continue;
    }
    try {
      const ctx = stepContext({ ...env, route }, step, e.id, () => rec, true, env.callTimeoutMs);
      const obs = await executorFor(env.executors, step).observe(ctx);
      if (obs.state === 'done')
        resources.push({
          ...base,
          status: 'moved',
          region: target,
          text: `${step.resource}: in ${target}'s hands (${obs.summary})`,
        });
      else if (obs.state === 'not-started' || obs.state === 'blocked')
        resources.push({
          ...base,
          status: 'unchanged',
          region: source,
          text: `${step.resource}: still in ${source}'s hands (${obs.summary})`,
        });
      else
        resources.push({
          ...base,
          status: 'unknown',
          text: `${step.resource}: between ${source} and ${target}, check it (${obs.summary})`,
        });
    } catch (error) {
      resources.push({
        ...base,
        status: 'unknown',
        text: `${step.resource}: unknown, could not observe it (${errorText(error)}); last error: ${rec?.error ?? 'none'}`,
      });
    }
  }
  const head = `Aborted by ${abortedBy}. Resources:`;
  const text =
    resources.length > 0
      ? [head, ...resources.map((r) => `• ${r.text}`)].join('\n')
      : `Aborted by ${abortedBy}; no resource was touched.`;
  return { abortedBy, atMs, resources, text };
}
