import type { InFlight } from '../domain/inflight.js';
import type { Logger } from '../logger.js';

/**
 * What the composition root starts and must stop: cleanups run in reverse order of registration,
 * periodic sweeps run as tracked background work, and failures are logged, never thrown at shutdown.
 */
export interface Lifecycle {
  onClose(cleanup: () => Promise<void> | void): void;
  /** Runs `task` now (if asked) and every `ms`, tracked by `inflight`; its failures are logged as `what`. */
  every(ms: number, what: string, task: () => Promise<unknown>, options?: { readonly now?: boolean }): void;
  /** Starts `task` in the background, tracked by `inflight`; a failure is logged as `what`. */
  background(what: string, task: Promise<unknown>): void;
  close(): Promise<void>;
}

export function createLifecycle(logger: Logger, inflight: InFlight): Lifecycle {
  const cleanups: (() => Promise<void> | void)[] = [];
  const background = (what: string, task: Promise<unknown>) => {
    inflight.track(task.catch((error: unknown) => logger.warn({ err: error }, `${what} failed`)));
  };
  return {
    onClose: (cleanup) => void cleanups.push(cleanup),
    background,
    every(ms, what, task, options = {}) {
      if (options.now) background(what, task());
      const timer = setInterval(() => background(what, task()), ms);
      timer.unref();
      cleanups.push(() => clearInterval(timer));
    },
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          logger.warn({ err: error }, 'cleanup failed');
        }
      }
    },
  };
}
