/**
 * Tracks work that continues after a request was acknowledged (Slack wants an ack within 3 s,
 * the work goes on), so a graceful shutdown can wait for it instead of cutting it off.
 */
export interface InFlight {
  track<T>(work: Promise<T>): Promise<T>;
  readonly size: number;
  /** Resolves when nothing is in flight, or after `timeoutMs`, with how many were still running. */
  drain(timeoutMs: number): Promise<number>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<unknown>>();
  return {
    track(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      running.add(settled);
      void settled.then(() => running.delete(settled));
      return work;
    },
    get size() {
      return running.size;
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(running),
          new Promise((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
      return running.size;
    },
  };
}
