/**
 * Bounds how many alarm deliveries are worked on at once (verification, parsing, the receipt write
 * and its answer), so that a burst of SNS deliveries (a storm, or SNS catching up) cannot fill the
 * event loop with hundreds of handlers whose work lands in the same turns: other requests, such as
 * a person's `/dr` command, then wait behind a few deliveries instead of all of them.
 *
 * Deliveries beyond the limit wait in arrival order and are let in one per event-loop turn.
 * The gate only shapes bursts; it never holds a delivery for long: one that waited `maxWaitMs` goes
 * ahead regardless (so a slow store cannot turn the gate into a queue that outlives SNS's 15 s
 * delivery timeout). Nothing is refused and nothing is dropped.
 */

export interface IngressGateOptions {
  /** Deliveries worked on at once (default 8). */
  readonly limit?: number;
  /** Longest wait for a slot before a delivery goes ahead anyway (default 1,000 ms). */
  readonly maxWaitMs?: number;
}

export interface IngressGate {
  run<T>(task: () => Promise<T>): Promise<T>;
  stats(): { readonly active: number; readonly waiting: number; readonly waitedOut: number };
}

export function createIngressGate(options: IngressGateOptions = {}): IngressGate {
  const limit = Math.max(1, options.limit ?? 8);
  const maxWaitMs = options.maxWaitMs ?? 1_000;
  const waiting: { go(): void }[] = [];
  let active = 0;
  let waitedOut = 0;
  let scheduled = false;

  // One delivery admitted per event-loop turn: between two admissions the loop polls for I/O, so a
  // request that just arrived (a slash command) is served before the next delivery's work starts.
  const admit = () => {
    scheduled = false;
    if (active < limit) {
      const next = waiting.shift();
      if (next) {
        active++;
        next.go();
      }
    }
    schedule();
  };
  const schedule = () => {
    if (scheduled || waiting.length === 0 || active >= limit) return;
    scheduled = true;
    setImmediate(admit);
  };
  const slot = () =>
    new Promise<void>((resolve) => {
      const entry = {
        go: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const at = waiting.indexOf(entry);
        if (at === -1) return;
        waiting.splice(at, 1);
        waitedOut++;
        active++;
        resolve();
      }, maxWaitMs);
      waiting.push(entry);
      schedule();
    });

  return {
    async run(task) {
      if (active < limit && waiting.length === 0) active++;
      else await slot();
      try {
        return await task();
      } finally {
        active--;
        schedule();
      }
    },
    stats: () => ({ active, waiting: waiting.length, waitedOut }),
  };
}
