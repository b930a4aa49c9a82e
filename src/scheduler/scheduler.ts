import { createTask, type ScheduledTask } from 'node-cron';
import type { AuditLog, JsonObject } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import { type Claim, createSlotCoordinator } from './coordinator.js';
import type { JobDefinition, JobLeases, JobStatus, SlotStore } from './types.js';

export interface SchedulerDeps {
  readonly jobs: readonly JobDefinition[];
  readonly slots: SlotStore;
  readonly leases: JobLeases;
  /** This replica's id (slot owner). */
  readonly instanceId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Failed runs are recorded as `job.failed`. */
  readonly audit?: Pick<AuditLog, 'append'>;
}

export interface Scheduler {
  /** Starts every job's node-cron task, then runs each daily job's missed slot once, late (catch-up). */
  start(): Promise<void>;
  /** Stops the timers and waits (up to `graceMs`) for runs in progress. */
  stop(graceMs?: number): Promise<void>;
  /** When each job last ran (any replica) and runs next. */
  status(): Promise<JobStatus[]>;
  /**
   * Runs a job's slot as a scheduled fire would: claim, run with timeout, record, release. Errors are
   * caught, logged and audited, never thrown. 'skipped' when another replica has or had it.
   */
  runSlot(name: string, slotMs: number, options?: { readonly late?: boolean }): Promise<'ran' | 'skipped'>;
}

/**
 * Lifeboat's scheduler: node-cron tasks with an explicit timezone, `noOverlap`, and node-cron's
 * distributed run coordinator backed by DynamoDB conditional writes (a job lease plus a slot item),
 * so each slot runs exactly once across replicas.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const coordinator = createSlotCoordinator({
    slots: deps.slots,
    leases: deps.leases,
    owner: deps.instanceId,
  });
  const jobs = new Map(deps.jobs.map((job) => [job.name, job]));
  const tasks = new Map<string, ScheduledTask>();
  const running = new Set<Promise<unknown>>();
  const log = deps.logger.child({ component: 'scheduler' });

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  };

  async function execute(job: JobDefinition, claim: Claim): Promise<void> {
    const slotMs = Date.parse(claim.slot);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`${job.name} did not finish within ${job.timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, job.timeoutMs);
      timer.unref?.();
    });
    let outcome: { state: 'done' | 'failed'; error?: string; summary?: JsonObject };
    try {
      const summary = await Promise.race([
        job.run({ slot: slotMs, late: claim.late, signal: controller.signal }),
        timedOut,
      ]);
      outcome = summary ? { state: 'done', summary } : { state: 'done' };
      log.debug({ job: job.name, slot: claim.slot, late: claim.late }, 'scheduled job ran');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = { state: 'failed', error: message.slice(0, 1_000) };
      log.error({ err: error, job: job.name, slot: claim.slot }, 'scheduled job failed');
      await deps.audit
        ?.append({
          type: 'job.failed',
          actor: 'lifeboat',
          details: { job: job.name, slot: claim.slot, late: claim.late, error: outcome.error ?? '' },
        })
        .catch((auditError: unknown) => log.error({ err: auditError, job: job.name }, 'audit append failed'));
    } finally {
      clearTimeout(timer);
    }
    try {
      const recorded = await deps.slots.finish(job.name, claim.slot, deps.instanceId, outcome);
      if (!recorded)
        log.warn({ job: job.name, slot: claim.slot }, 'slot claim lapsed before the run finished');
    } catch (error) {
      log.error({ err: error, job: job.name, slot: claim.slot }, 'could not record the slot outcome');
    } finally {
      await coordinator
        .release(claim)
        .catch((error: unknown) => log.warn({ err: error }, 'lease release failed'));
    }
  }

  const runSlot: Scheduler['runSlot'] = async (name, slotMs, options = {}) => {
    const job = jobs.get(name);
    if (!job) throw new Error(`no scheduled job named "${name}"`);
    let claim: Claim | undefined;
    try {
      claim = await coordinator.tryClaim(
        name,
        new Date(slotMs).toISOString(),
        job.timeoutMs,
        options.late ?? false,
      );
    } catch (error) {
      log.error({ err: error, job: name }, 'could not claim the slot; skipping it (fail-closed)');
      return 'skipped';
    }
    if (!claim) return 'skipped';
    await track(execute(job, claim));
    return 'ran';
  };

  /**
   * node-cron matches wall-clock time, so a daily time that does not exist one day (02:30 on a spring
   * DST day) never fires. This timer waits for the job's next slot as `nextSlot` maps it; when
   * node-cron's own next run is later (it will skip that day), it runs the slot itself through the same
   * claim, so it still runs once across replicas. Otherwise it only re-arms after node-cron's fire.
   */
  const gapTimers = new Map<string, NodeJS.Timeout>();
  function watchGaps(job: JobDefinition, task: ScheduledTask): void {
    const nextSlot = job.nextSlot;
    if (!nextSlot) return;
    const arm = () => {
      const now = deps.clock.now();
      const slot = nextSlot(now);
      const cronNext = task.getNextRun()?.getTime();
      const skippedByCron = cronNext === undefined || cronNext > slot;
      const timer = setTimeout(
        () => {
          if (!gapTimers.has(job.name)) return;
          if (!skippedByCron) return arm();
          log.info(
            { job: job.name, slot: new Date(slot).toISOString() },
            'daily time skipped by DST; running it',
          );
          void runSlot(job.name, slot)
            .catch((error: unknown) => log.error({ err: error, job: job.name }, 'DST slot failed'))
            .finally(() => {
              if (gapTimers.has(job.name)) arm();
            });
        },
        // After node-cron's own fire when it will fire; a second late is enough to be past it.
        Math.max(0, slot - now) + (skippedByCron ? 0 : 1_000),
      );
      timer.unref?.();
      gapTimers.set(job.name, timer);
    };
    arm();
  }

  async function catchUp(job: JobDefinition): Promise<void> {
    if (!job.previousSlot) return;
    // A first start ever has nothing to catch up on: only a job that ran before can have missed a slot.
    if (!(await deps.slots.latest(job.name))) return;
    const slotMs = job.previousSlot(deps.clock.now());
    const existing = await deps.slots.get(job.name, new Date(slotMs).toISOString());
    if (existing && existing.state !== 'running') return;
    const result = await runSlot(job.name, slotMs, { late: true });
    if (result === 'ran')
      log.warn({ job: job.name, slot: new Date(slotMs).toISOString() }, 'missed slot ran late');
  }

  return {
    async start() {
      for (const job of deps.jobs) {
        if (tasks.has(job.name)) continue;
        const hook = coordinator.forNodeCron(job.name);
        const task = createTask(
          job.cron,
          async () => {
            const claim = hook.take();
            if (claim) await track(execute(job, claim));
          },
          {
            name: job.name,
            timezone: job.timezone,
            noOverlap: true,
            distributed: true,
            runCoordinator: hook,
            distributedLease: job.timeoutMs,
            logger: {
              info: (m) => log.info(m),
              warn: (m) => log.warn({ job: job.name }, m),
              error: (m, e) =>
                log.error({ err: e ?? m, job: job.name }, typeof m === 'string' ? m : 'node-cron'),
              debug: (m) => log.debug({ job: job.name }, String(m)),
            },
            unref: true,
          },
        );
        await task.start();
        tasks.set(job.name, task);
        watchGaps(job, task);
      }
      await Promise.all(
        deps.jobs.map((job) =>
          catchUp(job).catch((error: unknown) => log.error({ err: error, job: job.name }, 'catch-up failed')),
        ),
      );
    },
    async stop(graceMs = 10_000) {
      for (const timer of gapTimers.values()) clearTimeout(timer);
      gapTimers.clear();
      for (const task of tasks.values()) await task.destroy();
      tasks.clear();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    },
    async status() {
      return Promise.all(
        deps.jobs.map(async (job): Promise<JobStatus> => {
          const next = tasks.get(job.name)?.getNextRun();
          const last = await deps.slots.latest(job.name).catch(() => undefined);
          return {
            name: job.name,
            description: job.description,
            timezone: job.timezone,
            ...(next ? { nextRunAt: next.getTime() } : {}),
            ...(last
              ? {
                  lastRun: {
                    slotAt: Date.parse(last.slot),
                    state: last.state,
                    late: last.late,
                    startedAtMs: last.startedAtMs,
                    ...(last.finishedAtMs !== undefined ? { finishedAtMs: last.finishedAtMs } : {}),
                    ...(last.error !== undefined ? { error: last.error } : {}),
                  },
                }
              : {}),
          };
        }),
      );
    },
    runSlot,
  };
}
