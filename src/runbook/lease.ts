import type { Logger } from '../logger.js';
import type { RunbookDeps } from './types.js';

export const executionLeaseName = (id: string) => `exec-${id}`;

/** Why a replica stopped driving an execution it held. */
export type LeaseLoss = 'taken' | 'renewal-failed';

/** The lease of one execution while this replica drives it. */
export interface HeldLease {
  /**
   * True once driving must stop: another replica holds the lease, or renewals have failed for so long
   * that less than a renewal interval is left before the lease expires (and another replica may take
   * over). Checked by the driver before every mutating call and between polls.
   */
  lost(): boolean;
  /** Stops renewing and gives the lease up (if still ours); waits for the stop to be audited. */
  release(): Promise<void>;
}

/**
 * Takes the execution's lease and keeps renewing it every third of its TTL. A renewal that fails or
 * hangs (the table unreachable, throttled) leaves the lease to run out at its last confirmed expiry,
 * so the holder stops driving a third of the TTL before that instant, logs it and audits
 * `execution.stopped`: the lease cannot expire (and another replica take over) while this one still
 * drives. A refused renewal (another replica holds the lease) stops it at once. Undefined when another
 * replica holds an unexpired lease.
 */
export async function holdExecutionLease(
  deps: Pick<RunbookDeps, 'stores' | 'clock' | 'instanceId' | 'audit'>,
  execution: { readonly id: string; readonly service?: string },
  ttlMs: number,
  logger: Logger,
): Promise<HeldLease | undefined> {
  const name = executionLeaseName(execution.id);
  const first = await deps.stores.leases.acquire(name, deps.instanceId, ttlMs);
  if (!first) return undefined;
  const interval = Math.max(1, Math.floor(ttlMs / 3));
  let expiresAtMs = first.expiresAtMs;
  let loss: LeaseLoss | undefined;
  let reported: Promise<void> = Promise.resolve();

  const stopFor = (reason: LeaseLoss) => {
    if (loss) return;
    loss = reason;
    const details = {
      reason,
      owner: deps.instanceId,
      leaseExpiresAtMs: expiresAtMs,
      message:
        reason === 'taken'
          ? 'another replica holds the lease; stopped driving'
          : 'lease renewals failed; stopped driving before the lease could expire so that another replica can take over',
    };
    logger.error({ executionId: execution.id, ...details }, 'stopped driving the execution');
    reported = deps.audit
      .append({
        type: 'execution.stopped',
        actor: 'lifeboat',
        ...(execution.service ? { service: execution.service } : {}),
        executionId: execution.id,
        details,
      })
      .then(() => undefined)
      .catch((error: unknown) =>
        logger.error({ err: error, executionId: execution.id }, 'could not audit the stop'),
      );
  };
  // Renewals that failed or hang since the last one that succeeded: only then can the lease run out.
  let failing = false;
  let inFlight = false;
  const runningOut = () => (failing || inFlight) && deps.clock.now() >= expiresAtMs - interval;

  const timer = setInterval(() => {
    if (loss || inFlight) return;
    inFlight = true;
    deps.stores.leases
      .acquire(name, deps.instanceId, ttlMs)
      .then((lease) => {
        if (!lease) return stopFor('taken');
        failing = false;
        if (!loss) expiresAtMs = lease.expiresAtMs;
      })
      .catch((error: unknown) => {
        failing = true;
        logger.warn(
          { err: error, executionId: execution.id, leaseExpiresAtMs: expiresAtMs },
          'lease renewal failed',
        );
        if (runningOut()) stopFor('renewal-failed');
      })
      .finally(() => {
        inFlight = false;
      });
  }, interval);
  timer.unref?.();

  return {
    lost() {
      if (!loss && runningOut()) stopFor('renewal-failed');
      return loss !== undefined;
    },
    async release() {
      clearInterval(timer);
      await reported;
      await deps.stores.leases.release(name, deps.instanceId).catch((error: unknown) => {
        logger.warn({ err: error, executionId: execution.id }, 'lease release failed');
      });
    },
  };
}
