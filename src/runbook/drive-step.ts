import type { AwsClients } from '../adapters/aws/clients.js';
import { clientsFor } from '../adapters/aws/roles.js';
import type { AuditLog, JsonObject } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { ExecutionRecord, StepRecord } from '../domain/records.js';
import type { Timeline } from '../domain/timeline.js';
import type { Step } from '../plan/schema.js';
import { AwsCallError } from '../readiness/aws/call.js';
import { createCaller, errorText } from './executors/call.js';
import { type ExecutorRegistry, executorFor } from './executors/index.js';
import type { Facts, Observation, People, StepContext } from './executors/types.js';
import { type Route, resourceOf } from './stages.js';
import type { RunbookKind, RunbookMode } from './types.js';
import type { ExecutionWriter } from './writer.js';

export interface StepEnv {
  readonly route: Route;
  readonly kind: RunbookKind;
  readonly mode: RunbookMode;
  readonly writer: ExecutionWriter;
  readonly executors: ExecutorRegistry;
  readonly aws: AwsClients;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly timeline: Timeline;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollIntervalMs: number;
  readonly callTimeoutMs: number;
  /** True once the runner stops or loses the lease: stop at the next safe point. */
  readonly stopped: () => boolean;
  /** Told the wall time of each step that ran (metrics); not called for a step found already done. */
  readonly onStepFinished?: (kind: string, result: 'succeeded' | 'failed', ms: number) => void;
  /** Failback: the completed failover it returns from (see `originFacts`). */
  readonly origin?: ExecutionRecord;
  /** Who requested and approved the execution (steps that pass it on, e.g. lambda-invoke). */
  readonly people?: () => Promise<People>;
}

export type StepResult = 'succeeded' | 'failed' | 'stopped';

/** A failure of the step itself (AWS said no, a timeout, a bad observation), as opposed to losing the store. */
class StepFailure extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

const TRANSIENT = new Set(['throttled', 'timeout', 'network']);
const PENDING: StepRecord = { state: 'pending', attempts: 0 };

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new StepFailure(errorText(error), error);
  }
}

/**
 * What the failover recorded on its step for the same resource: the step with the same id, else the first
 * one acting on the same resource with the same kind (a plan's own `runbook.failback` may name steps anew).
 */
export function originFacts(
  service: Route['service'],
  step: Step,
  origin: ExecutionRecord | undefined,
): Facts | undefined {
  if (!origin || !('resource' in step)) return undefined;
  const same = origin.steps[step.id];
  if (same?.observed) return same.observed;
  const twin = service.runbook.failover
    .flatMap((e) => ('parallel' in e ? e.parallel : [e]))
    .find((s) => s.kind === step.kind && 'resource' in s && s.resource === step.resource);
  return twin ? origin.steps[twin.id]?.observed : undefined;
}

export function stepContext(
  env: Pick<StepEnv, 'route' | 'kind' | 'mode' | 'aws' | 'clock' | 'origin' | 'people'>,
  step: Step,
  executionId: string,
  record: () => StepRecord | undefined,
  readOnly: boolean,
  callTimeoutMs: number,
): StepContext {
  const origin = env.kind === 'failback' ? originFacts(env.route.service, step, env.origin) : undefined;
  const resource = resourceOf(env.route.service, step);
  return {
    ...(origin ? { origin } : {}),
    ...(env.people ? { people: env.people } : {}),
    step,
    service: env.route.service,
    resource,
    kind: env.kind,
    mode: env.mode,
    sourceRegion: env.route.sourceRegion,
    targetRegion: env.route.targetRegion,
    executionId,
    get record() {
      return record();
    },
    // A service or resource with a role in the plan acts in its own account, the session named after the execution.
    clients: clientsFor(env.aws, env.route.service, resource, executionId),
    aws: createCaller({ timeoutMs: callTimeoutMs, readOnly }),
    now: () => env.clock.now(),
  };
}

const merge = (a: Facts | undefined, b: Facts | undefined): Facts => ({ ...(a ?? {}), ...(b ?? {}) });

/**
 * Drives one step to an outcome. The intent is persisted (and audited) before the mutating call and
 * the outcome after; a step whose intent is recorded but not its outcome is resolved by observing AWS.
 * Errors of the store (or losing control of the execution) propagate; AWS failures fail the step.
 */
export async function driveStep(env: StepEnv, step: Step, group: { failed: boolean }): Promise<StepResult> {
  const executionId = env.writer.current.id;
  const rec = () => env.writer.current.steps[step.id] ?? PENDING;
  if (rec().state === 'succeeded' || rec().state === 'skipped') return 'succeeded';
  if (rec().state === 'failed') return 'failed';
  const executor = executorFor(env.executors, step);
  const ctx = stepContext(env, step, executionId, rec, false, env.callTimeoutMs);
  const region = executor.region?.(ctx) ?? env.route.targetRegion;
  const deadline = env.clock.now() + (step.timeout ?? executor.defaultTimeoutMs);
  const base = {
    type: 'step.intent' as const,
    actor: 'lifeboat',
    service: env.route.service.name,
    executionId,
  };
  const observe = () => guarded(() => executor.observe(ctx));
  const setStep = (patch: Partial<StepRecord>) =>
    env.writer.update((e) => ({
      ...e,
      steps: { ...e.steps, [step.id]: { ...(e.steps[step.id] ?? PENDING), ...patch } },
    }));

  try {
    let obs = await observe();
    if (!(rec().state === 'intent' && rec().calledAtMs !== undefined)) {
      while (obs.state === 'blocked') {
        if (env.stopped()) return 'stopped';
        if (env.clock.now() >= deadline) throw new StepFailure(`timed out waiting: ${obs.summary}`);
        await env.sleep(env.pollIntervalMs);
        obs = await observe();
      }
      if (obs.state === 'failed') throw new StepFailure(obs.summary);
      if (obs.state === 'not-started') {
        if (group.failed || env.stopped()) return 'stopped';
        const calls = executor.calls(ctx, obs);
        if (rec().state !== 'intent') {
          const attempt = rec().attempts + 1;
          await env.audit.append({
            ...base,
            details: {
              stepId: step.id,
              kind: step.kind,
              attempt,
              region,
              calls: calls.map((c) => `${c.client}:${c.command}`),
              observed: obs.summary,
            },
          });
          await setStep({
            state: 'intent',
            attempts: attempt,
            startedAtMs: env.clock.now(),
            region,
            observed: obs.facts ?? {},
            error: undefined,
            calledAtMs: undefined,
          });
        }
        const facts = await startWithRetry(env, executor, ctx, obs, deadline);
        await setStep({ calledAtMs: env.clock.now(), observed: merge(rec().observed, facts.facts) });
        obs = facts.observation ?? (await observe());
      }
    }
    obs = await waitDone(env, observe, obs, deadline);
    if (obs.state !== 'done') return 'stopped';
    const started = rec().startedAtMs;
    await setStep({
      state: 'succeeded',
      finishedAtMs: env.clock.now(),
      region,
      observed: merge(rec().observed, obs.facts),
      error: undefined,
    });
    await env.audit.append({
      ...base,
      type: 'step.outcome',
      details: {
        stepId: step.id,
        kind: step.kind,
        result: 'succeeded',
        observed: obs.summary,
        ...(started !== undefined && rec().attempts > 0
          ? {
              durationMs: env.timeline.elapsed(started, env.clock.now()),
              ...(env.timeline.note ? { timeNote: env.timeline.note } : {}),
            }
          : { alreadyDone: true }),
      } satisfies JsonObject,
    });
    if (started !== undefined && rec().attempts > 0)
      env.onStepFinished?.(step.kind, 'succeeded', env.clock.now() - started);
    return 'succeeded';
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    // Only an attempt under way (intent recorded) has a start of its own to measure from.
    const started = rec().state === 'intent' ? rec().startedAtMs : undefined;
    if (started !== undefined) env.onStepFinished?.(step.kind, 'failed', env.clock.now() - started);
    await setStep({ state: 'failed', finishedAtMs: env.clock.now(), error: error.message, region });
    await env.audit.append({
      ...base,
      type: 'step.outcome',
      details: { stepId: step.id, kind: step.kind, result: 'failed', error: error.message },
    });
    return 'failed';
  }
}

/** A refused call is observed again: if AWS shows the step blocked (e.g. a backup started), wait and call again. */
async function startWithRetry(
  env: StepEnv,
  executor: ReturnType<typeof executorFor>,
  ctx: StepContext,
  first: Observation,
  deadline: number,
): Promise<{ facts: Facts; observation?: Observation }> {
  let obs = first;
  for (;;) {
    try {
      return { facts: await executor.start(ctx, obs) };
    } catch (error) {
      let again = await guarded(() => executor.observe(ctx));
      let waited = false;
      while (again.state === 'blocked') {
        if (env.clock.now() >= deadline || env.stopped()) throw new StepFailure(errorText(error), error);
        await env.sleep(env.pollIntervalMs);
        waited = true;
        again = await guarded(() => executor.observe(ctx));
      }
      if (again.state === 'done' || again.state === 'in-progress') return { facts: {}, observation: again };
      if (again.state === 'not-started' && waited) {
        obs = again;
        continue;
      }
      throw new StepFailure(errorText(error), error);
    }
  }
}

/** Polls until done; transient AWS errors (throttling, timeouts, network) are ridden out until the deadline. */
async function waitDone(
  env: StepEnv,
  observe: () => Promise<Observation>,
  first: Observation,
  deadline: number,
): Promise<Observation> {
  let obs = first;
  while (obs.state !== 'done') {
    if (obs.state === 'failed') throw new StepFailure(obs.summary);
    if (env.stopped()) return obs;
    const left = deadline - env.clock.now();
    if (left <= 0) throw new StepFailure(`timed out: ${obs.summary}`);
    await env.sleep(Math.min(env.pollIntervalMs, left));
    try {
      obs = await observe();
    } catch (error) {
      const cause = error instanceof StepFailure ? error.cause : undefined;
      if (cause instanceof AwsCallError && TRANSIENT.has(cause.failure)) continue;
      throw error;
    }
  }
  return obs;
}
