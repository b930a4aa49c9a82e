import { createCleanupPhase } from './engine-cleanup.js';
import { createRunPhase } from './engine-run.js';
import { createEngineKit, type DrillEngineDeps } from './engine-shared.js';
import { stepsOf } from './record.js';
import { type Drill, FINAL_DRILL_STATES } from './types.js';

export type { DrillEngineDeps } from './engine-shared.js';

/**
 * Drives drills through their phases (engine-run.ts brings resources up and measures them, engine-cleanup.ts
 * deletes them), one replica at a time per drill under a lease.
 */
export function createDrillEngine(deps: DrillEngineDeps) {
  const { stores, logger } = deps;
  const kit = createEngineKit(deps);
  const { now, cleanupAfter, update } = kit;
  const { advanceStep, finishRun } = createRunPhase(deps, kit);
  const { pendingCleanup, cleanupStep, finishCleanup, cleanupIfDue } = createCleanupPhase(deps, kit);
  const poll = deps.pollIntervalMs ?? 10_000;
  const leaseTtlMs = deps.leaseTtlMs ?? 60_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let stopped = false;

  /**
   * Drives the drill as far as it can go now, holding its lease: brings resources up and measures them,
   * records the result, and cleans up once due. Returns when it is finished, waiting for its cleanup time, or
   * another replica holds the lease.
   */
  async function drive(id: string): Promise<Drill | undefined> {
    const lease = `DRILL#${id}`;
    if (!(await deps.leases.acquire(lease, deps.instanceId, leaseTtlMs))) return stores.drills.get(id);
    try {
      for (;;) {
        if (stopped) return stores.drills.get(id);
        const drill = await stores.drills.get(id);
        if (!drill) return undefined;
        if (drill.state === 'running') {
          const open = stepsOf(drill).filter((s) => s.state === 'pending' || s.state === 'intent');
          if (open.length === 0) {
            await finishRun(id);
            continue;
          }
          for (const step of open) await advanceStep(id, step);
        } else if (drill.state === 'awaitingCleanup') {
          if (!(await cleanupIfDue(id))) return stores.drills.get(id);
          continue;
        } else if (drill.state === 'cleaningUp') {
          const open = pendingCleanup(drill);
          if (open.length === 0) {
            await finishCleanup(id);
            continue;
          }
          for (const step of open) await cleanupStep(id, step);
          const after = await stores.drills.get(id);
          if (after && pendingCleanup(after).length === 0) continue;
        } else {
          if (FINAL_DRILL_STATES.has(drill.state)) await stores.release(drill.service, drill.id);
          return drill;
        }
        const after = await stores.drills.get(id);
        if (
          after?.state === 'running' &&
          stepsOf(after).every((s) => s.state === 'ready' || s.state === 'failed')
        )
          continue;
        await sleep(poll);
        // A refused renewal means another replica holds the lease now: stop at once. A renewal that
        // fails outright throws out of here, which stops driving too (the sweep logs it).
        if (!(await deps.leases.acquire(lease, deps.instanceId, leaseTtlMs))) {
          logger.error({ drill: id }, 'drill lease taken by another replica; stopped driving');
          return stores.drills.get(id);
        }
      }
    } finally {
      if (!stopped) await deps.leases.release(lease, deps.instanceId).catch(() => false);
    }
  }

  return {
    drive,
    /** Postpones automatic cleanup by another cleanup period (resources keep running and stay in the digest). */
    async keep(id: string, userId: string) {
      return (
        await update(id, (d) =>
          d.state === 'awaitingCleanup'
            ? {
                ...d,
                keptBy: userId,
                cleanupAtMs: Math.max(d.cleanupAtMs ?? 0, now()) + cleanupAfter(d.service),
              }
            : undefined,
        )
      ).drill;
    },
    /** Makes cleanup due now; the caller then drives the drill (in the background). */
    async cleanupNow(id: string, userId: string) {
      return (
        await update(id, (d) =>
          d.state === 'awaitingCleanup' ? { ...d, cleanupAtMs: now(), cleanupBy: userId } : undefined,
        )
      ).drill;
    },
    /** Every drill holding a slot: drives those with work to do now (after a crash, or cleanup due). */
    async sweep(): Promise<void> {
      for (const slot of await stores.slots()) {
        const drill = await stores.drills.get(slot.drillId);
        if (!drill) {
          if (now() - slot.claimedAtMs > 60_000) await stores.release(slot.service, slot.drillId);
          continue;
        }
        const due =
          drill.state === 'running' ||
          drill.state === 'cleaningUp' ||
          FINAL_DRILL_STATES.has(drill.state) ||
          (drill.state === 'awaitingCleanup' && (drill.cleanupAtMs ?? 0) <= now());
        if (due)
          await drive(drill.id).catch((error: unknown) =>
            logger.error({ err: error, drill: drill.id }, 'drill drive failed'),
          );
      }
    },
    stop() {
      stopped = true;
    },
  };
}

export type DrillEngine = ReturnType<typeof createDrillEngine>;
