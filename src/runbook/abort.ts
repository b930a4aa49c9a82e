import type { ExecutionRecord } from '../domain/records.js';
import type { Step } from '../plan/schema.js';
import { type StepEnv, stepContext } from './drive-step.js';
import { errorText } from './executors/call.js';
import { type ExecutorRegistry, executorFor } from './executors/index.js';
import { allSteps, type Route } from './stages.js';
import type { AbortSummary, ResourceHandover } from './types.js';

type Env = Pick<StepEnv, 'route' | 'kind' | 'mode' | 'aws' | 'clock' | 'callTimeoutMs'> & {
  readonly executors: ExecutorRegistry;
};

/** How a resource's line reads once its step is done, not done, or unconfirmed, and the Region each names. */
interface Wording {
  readonly doneRegion: string;
  readonly leftRegion: string;
  done(why: string): string;
  left(why: string): string;
  unknown(why: string): string;
}

/**
 * A step moves its resource from the source into the target Region's hands, except a failback's ec2
 * `stop-recovery`: it stops, in the recovery Region (the failback's source), what the failover started there.
 */
function wording(step: Step & { readonly resource: string }, source: string, target: string): Wording {
  const r = step.resource;
  if (step.kind === 'ec2' && step.action === 'stop-recovery') {
    const what = `${r}: the instances the failover started in ${source}`;
    return {
      doneRegion: source,
      leftRegion: source,
      done: (why) => `${what} are stopped (${why})`,
      left: (why) => `${what} were not stopped by this failback (${why})`,
      unknown: (why) => `${what} may be stopping, check them (${why})`,
    };
  }
  return {
    doneRegion: target,
    leftRegion: source,
    done: (why) => `${r}: in ${target}'s hands (${why})`,
    left: (why) => `${r}: still in ${source}'s hands (${why})`,
    unknown: (why) => `${r}: between ${source} and ${target}, check it (${why})`,
  };
}

/**
 * Which Region each resource the runbook touches is in the hands of, stated plainly. Finished steps
 * moved theirs; steps never started left theirs; a step started but not confirmed is observed now
 * (read-only calls) and reported as AWS shows it. A `stop-recovery` step reports what it stopped in the
 * recovery Region instead.
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
    const say = wording(step, source, target);
    const state = rec?.state ?? 'pending';
    if (state === 'succeeded') {
      resources.push({
        ...base,
        status: 'moved',
        region: say.doneRegion,
        text: say.done(`step ${step.id} completed`),
      });
      continue;
    }
    if (state === 'pending' || state === 'skipped') {
      const why = state === 'skipped' ? `step ${step.id} was skipped` : `step ${step.id} never ran`;
      resources.push({
        ...base,
        status: 'unchanged',
        region: say.leftRegion,
        text: say.left(why),
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
          region: say.doneRegion,
          text: say.done(obs.summary),
        });
      else if (obs.state === 'not-started' || obs.state === 'blocked')
        resources.push({
          ...base,
          status: 'unchanged',
          region: say.leftRegion,
          text: say.left(obs.summary),
        });
      else
        resources.push({
          ...base,
          status: 'unknown',
          text: say.unknown(obs.summary),
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
