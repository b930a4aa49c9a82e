import type { ExecutionRecord, StepRecord } from '../domain/records.js';
import { wallTimeline } from '../domain/timeline.js';
import { createMemoryActiveIndex } from './active-index.js';
import { decideExecution, runbookKind, runbookMode } from './decide.js';
import { driveStep, type StepEnv } from './drive-step.js';
import { dryRun } from './dry-run.js';
import { defaultExecutors, type ExecutorRegistry } from './executors/index.js';
import { executionLeaseName, holdExecutionLease } from './lease.js';
import { abortRest, approveNext, waitingFor } from './sequence.js';
import { allSteps, routeFor } from './stages.js';
import type {
  Decision,
  DecisionBinding,
  Execution,
  RunbookDeps,
  RunbookKind,
  RunbookMode,
  RunbookRunner,
} from './types.js';
import { createWriter, LostControlError, load } from './writer.js';

const TERMINAL = new Set<ExecutionRecord['state']>(['completed', 'aborted', 'declined', 'expired']);
const DRIVABLE = new Set<ExecutionRecord['state']>(['approved', 'running']);
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The runbook engine: drives approved executions through their steps, durably (every transition a
 * conditional write), idempotently (observe before acting; tokens where AWS has them) and resumably
 * (a lease per execution; a restarted replica resumes from the recorded state). docs/runbook.md.
 */
export function createRunbookRunner(
  deps: RunbookDeps,
  executors: ExecutorRegistry = defaultExecutors,
): RunbookRunner {
  const ttl = deps.leaseTtlMs ?? 60_000;
  const sleep = deps.sleep ?? realSleep;
  const timeline = deps.timeline ?? wallTimeline;
  const index = deps.activeIndex ?? createMemoryActiveIndex();
  const running = new Set<Promise<unknown>>();
  let stopping = false;
  const logger = deps.logger.child({ component: 'runbook' });

  const background = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => logger.error({ err: error }, 'runbook drive failed'));
    running.add(settled);
    void settled.finally(() => running.delete(settled));
    deps.track?.(settled);
  };

  /** Executions this process drives now (the sweep leaves them alone whatever the lease says). */
  const driving = new Set<string>();
  /** Of those, the ones whose lease this process holds now. */
  const leased = new Set<string>();
  /**
   * `track` writes of executions about to be driven here: their first drive awaits the write instead of listing
   * them again, so a caller may track and run at once (the approval's start, one round trip fewer).
   */
  const listed = new Map<string, Promise<void>>();

  /** Drives the execution under its lease; `onLeased` runs once the lease is ours, before driving. */
  async function run(
    executionId: string,
    onLeased?: (e: Execution | undefined) => Promise<void>,
  ): Promise<Execution> {
    if (stopping) return load(deps, executionId);
    // The lease owner is this process, so the lease alone would let a second call here drive it twice.
    if (driving.has(executionId)) {
      logger.info({ executionId }, 'execution already driven by this replica');
      return load(deps, executionId);
    }
    driving.add(executionId);
    // The record read before the lease only names the service (for the lease's audit entries, read when a stop is
    // audited) and tells `onLeased` what was seen: taken beside the lease, one round trip instead of two. Driving
    // reads the record again under the lease.
    const about: { id: string; service?: string } = { id: executionId };
    const [read, taken] = await Promise.allSettled([
      deps.stores.executions.get(executionId).then((e) => {
        if (e) about.service = e.service;
        return e;
      }),
      holdExecutionLease(deps, about, ttl, logger),
    ]);
    if (read.status === 'rejected' || taken.status === 'rejected') {
      driving.delete(executionId);
      listed.delete(executionId);
      if (taken.status === 'fulfilled') await taken.value?.release();
      throw read.status === 'rejected' ? read.reason : (taken as PromiseRejectedResult).reason;
    }
    const current = read.value;
    const lease = taken.value;
    if (!lease) {
      driving.delete(executionId);
      listed.delete(executionId);
      logger.info({ executionId }, 'execution already driven by another replica');
      return load(deps, executionId);
    }
    const held = lease;
    leased.add(executionId);
    const work = (async () => {
      await onLeased?.(current);
      return drive(executionId, () => stopping || held.lost());
    })();
    const tracked = work.catch(() => undefined);
    running.add(tracked);
    try {
      return await work;
    } catch (error) {
      if (error instanceof LostControlError) {
        logger.warn({ executionId }, 'execution changed under us; stopped driving it');
        return error.current ?? load(deps, executionId);
      }
      throw error;
    } finally {
      running.delete(tracked);
      driving.delete(executionId);
      listed.delete(executionId);
      leased.delete(executionId);
      await held.release();
    }
  }

  async function drive(executionId: string, stopped: () => boolean): Promise<Execution> {
    const loaded = await load(deps, executionId);
    if (!DRIVABLE.has(loaded.state)) return loaded;
    // A later service of a request for several waits until the one before it completed.
    if (await waitingFor(deps, loaded)) return loaded;
    const plan = deps.getPlan();
    const kind = runbookKind(loaded);
    const mode = runbookMode(loaded);
    const route = routeFor(plan, loaded.service, kind);
    const writer = createWriter({ ...deps, logger }, loaded);
    const origin = kind === 'failback' ? await originOf(loaded.service) : undefined;
    const env: StepEnv = {
      ...(origin ? { origin } : {}),
      route,
      kind,
      mode,
      writer,
      executors,
      aws: deps.aws,
      audit: deps.audit,
      clock: deps.clock,
      timeline,
      sleep,
      pollIntervalMs: deps.pollIntervalMs ?? 5_000,
      callTimeoutMs: deps.callTimeoutMs ?? 30_000,
      stopped,
      people: async () => ({
        requestedBy: loaded.requestedBy,
        approvedBy: (await deps.stores.approvals.list(executionId))
          .filter((a) => a.decision === 'approve')
          .map((a) => a.userId),
      }),
      ...(deps.onStepFinished ? { onStepFinished: deps.onStepFinished } : {}),
    };
    try {
      if (loaded.state === 'approved') {
        // Listed before it is marked running (so a crash leaves it to the sweep); `track` may have done it already.
        const adding = listed.get(executionId);
        listed.delete(executionId);
        await (adding ? adding.catch(() => index.add(executionId)) : index.add(executionId));
        const steps: Record<string, StepRecord> = {};
        for (const step of allSteps(route))
          steps[step.id] = loaded.steps[step.id] ?? {
            state: 'pending',
            attempts: 0,
            region: route.targetRegion,
          };
        await writer.update((e) => ({ ...e, state: 'running', steps, startedAtMs: deps.clock.now() }));
        await deps.audit.append({
          type: 'execution.started',
          actor: 'lifeboat',
          service: loaded.service,
          executionId,
          details: {
            requestId: executionId,
            kind,
            mode,
            planHash: plan.hash,
            sourceRegion: route.sourceRegion,
            targetRegion: route.targetRegion,
            ...(loaded.group
              ? { group: loaded.group.id, services: [...loaded.group.services], position: loaded.group.index }
              : {}),
          },
        });
      }
      if (writer.current.planHash !== plan.hash) {
        await writer.update((e) => ({
          ...e,
          state: 'pausedByFailedStep',
          pausedAtStep: undefined,
          lastError: `the plan changed since approval (approved ${e.planHash.slice(0, 12)}, now ${plan.hash.slice(0, 12)}); abort and request again`,
        }));
        return writer.current;
      }
      for (const stage of route.stages) {
        const failedBefore = stage.steps.find((s) => writer.current.steps[s.id]?.state === 'failed');
        if (failedBefore) return await pause(writer, failedBefore.id);
        const group = { failed: false };
        const results = await Promise.all(
          stage.steps.map(async (step) => {
            const result = await driveStep(env, step, group);
            if (result === 'failed') group.failed = true;
            return result;
          }),
        );
        const failed = stage.steps.find((_, i) => results[i] === 'failed');
        if (failed) return await pause(writer, failed.id);
        if (results.includes('stopped')) return writer.current;
      }
      // The next service of the request is approved (and listed) before this one completes: see sequence.ts.
      const next = await approveNext(deps, index, writer.current);
      const done = await writer.update((e) => ({
        ...e,
        state: 'completed',
        finishedAtMs: deps.clock.now(),
        pausedAtStep: undefined,
        lastError: undefined,
      }));
      await deps.audit.append({
        type: 'execution.completed',
        actor: 'lifeboat',
        service: done.service,
        executionId,
        details: {
          requestId: executionId,
          kind,
          mode,
          durationMs: timeline.elapsed(done.startedAtMs ?? done.createdAtMs, deps.clock.now()),
          ...(timeline.note ? { timeNote: timeline.note } : {}),
        },
      });
      await index.remove(executionId);
      if (next) background(run(next));
      return done;
    } finally {
      await writer.flush();
    }
  }

  async function pause(writer: ReturnType<typeof createWriter>, stepId: string): Promise<Execution> {
    const error = writer.current.steps[stepId]?.error ?? 'failed';
    return writer.update((e) => ({
      ...e,
      state: 'pausedByFailedStep',
      pausedAtStep: stepId,
      lastError: `${stepId}: ${error}`,
    }));
  }

  async function decide(
    executionId: string,
    choice: Decision,
    userId: string,
    bound?: DecisionBinding,
  ): Promise<Execution> {
    const saved = await decideExecution({ deps, executors, index }, executionId, choice, userId, bound);
    if (choice !== 'abort') background(run(executionId));
    await deps.onChange(saved).catch((error: unknown) => logger.warn({ err: error }, 'onChange failed'));
    if (choice === 'abort') await abortRest(deps, index, saved, userId);
    return saved;
  }

  /**
   * One pass over the active index: every approved or running execution that no replica drives (its
   * lease is free or has expired, e.g. its replica was killed) is taken over and driven in the
   * background; entries of finished or missing executions are pruned. Run at start-up and then
   * periodically, so a crashed replica's execution resumes within its lease TTL plus one interval.
   */
  async function takeOver(): Promise<Promise<unknown>[]> {
    if (stopping) return [];
    const ids = await index.list();
    const started: Promise<unknown>[] = [];
    await Promise.all(
      ids.map(async (id) => {
        if (driving.has(id)) return;
        const e = await deps.stores.executions.get(id);
        if (!e || TERMINAL.has(e.state)) return index.remove(id);
        if (!DRIVABLE.has(e.state)) return;
        if (await deps.stores.leases.current(executionLeaseName(id))) return;
        if (driving.has(id) || stopping) return;
        // Audited by the replica that won the lease only, before it drives.
        const audited = async (leased: Execution | undefined) => {
          logger.info({ executionId: id, state: leased?.state }, 'took over an execution no replica held');
          await deps.audit
            .append({
              type: 'execution.resumed',
              actor: 'lifeboat',
              service: e.service,
              executionId: id,
              details: { state: leased?.state ?? e.state, replica: deps.instanceId },
            })
            .catch((error: unknown) =>
              logger.warn({ err: error, executionId: id }, 'could not audit the takeover'),
            );
        };
        const work = run(id, audited).catch((error: unknown) =>
          logger.error({ err: error, executionId: id }, 'resume failed'),
        );
        background(work);
        started.push(work);
      }),
    );
    return started;
  }

  async function resumeAll(): Promise<void> {
    await Promise.all(await takeOver());
  }

  async function originOf(service: string) {
    return deps.origin?.(service).catch((error: unknown) => {
      logger.warn({ err: error, service }, 'could not load the failover a failback returns from');
      return undefined;
    });
  }

  const planNow = async (service: string, mode: RunbookMode, kind: RunbookKind = 'failover') => {
    const origin = kind === 'failback' ? await originOf(service) : undefined;
    const env = {
      aws: deps.aws,
      clock: deps.clock,
      callTimeoutMs: deps.callTimeoutMs ?? 30_000,
      executors,
      ...(origin ? { origin } : {}),
    };
    return dryRun(env, deps.getPlan(), service, mode, kind);
  };
  return {
    run: (id) => run(id),
    track(id) {
      const adding = index.add(id);
      listed.set(id, adding);
      return adding;
    },
    resumeAll,
    async sweep() {
      return (await takeOver()).length;
    },
    decide,
    dryRun: planNow,
    async plannedCalls(service, mode, kind) {
      return (await planNow(service, mode, kind)).steps.flatMap((s) => [...s.calls]);
    },
    async activeExecutions() {
      const found = await Promise.all((await index.list()).map((id) => deps.stores.executions.get(id)));
      return found.filter((e): e is Execution => e !== undefined && !TERMINAL.has(e.state));
    },
    leasesHeld: () => leased.size,
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
    async stop() {
      stopping = true;
      while (running.size > 0) await Promise.all(running);
    },
  };
}
