import type { RunCoordinator } from 'node-cron';
import type { JobLeases, SlotStore } from './types.js';

/** A slot this replica holds: it runs the job for it, then records the outcome and lets go. */
export interface Claim {
  readonly job: string;
  /** ISO instant of the slot. */
  readonly slot: string;
  readonly late: boolean;
  readonly leaseOwner: string;
}

export interface SlotCoordinator {
  /**
   * Takes the job's lease (no overlapping runs across replicas: a slot that fires while the previous
   * one still runs anywhere is skipped), then the slot itself (exactly once). Undefined when either
   * is held elsewhere or the slot already ran.
   */
  tryClaim(job: string, slot: string, ttlMs: number, late: boolean): Promise<Claim | undefined>;
  /** Lets the job's lease go after the outcome was recorded. */
  release(claim: Claim): Promise<void>;
  /** node-cron's hook for one job: its key is `<job name>:<slot ISO>`. */
  forNodeCron(job: string): RunCoordinator & { take(): Claim | undefined };
}

export const jobLeaseName = (job: string) => `job:${job}`;

export function createSlotCoordinator(deps: {
  readonly slots: SlotStore;
  readonly leases: JobLeases;
  /** This replica. */
  readonly owner: string;
}): SlotCoordinator {
  const tryClaim: SlotCoordinator['tryClaim'] = async (job, slot, ttlMs, late) => {
    // The lease owner names the slot, so this replica's own next slot cannot overlap either.
    const leaseOwner = `${deps.owner}#${slot}`;
    if (!(await deps.leases.acquire(jobLeaseName(job), leaseOwner, ttlMs))) return undefined;
    let claimed = false;
    try {
      claimed = await deps.slots.claim(job, slot, deps.owner, ttlMs, late);
    } finally {
      if (!claimed) await deps.leases.release(jobLeaseName(job), leaseOwner);
    }
    return claimed ? { job, slot, late, leaseOwner } : undefined;
  };

  return {
    tryClaim,
    async release(claim) {
      await deps.leases.release(jobLeaseName(claim.job), claim.leaseOwner);
    },
    forNodeCron(job) {
      // node-cron asks shouldRun, then calls the task function right away; noOverlap keeps one at a time.
      let pending: Claim | undefined;
      return {
        async shouldRun(key, ttlMs) {
          const prefix = `${job}:`;
          if (!key.startsWith(prefix)) return false;
          const claim = await tryClaim(job, key.slice(prefix.length), ttlMs, false);
          pending = claim;
          return claim !== undefined;
        },
        take() {
          const claim = pending;
          pending = undefined;
          return claim;
        },
      };
    },
  };
}
