import { formatDuration } from './format.js';

/** A call that did not finish within its time budget. */
export class CallTimeoutError extends Error {
  readonly code = 'call_timeout';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

/** `/dr status <name>` for a service the plan does not define. */
export class UnknownServiceError extends Error {
  readonly code = 'unknown_service';
  constructor(
    readonly service: string,
    readonly known: readonly string[],
  ) {
    super(`unknown service "${service}"; the plan defines: ${known.join(', ')}`);
    this.name = 'UnknownServiceError';
  }
}

/**
 * A call to the Region an unplanned failover leaves that did not answer within its budget, in its one attempt
 * (src/readiness/leaving.ts). A timeout like CallTimeoutError, whose message says why it was cut short.
 */
export class LeftRegionTimeout extends CallTimeoutError {
  constructor(
    readonly region: string,
    timeoutMs: number,
  ) {
    super(timeoutMs);
    this.message = `${region} did not answer within ${formatDuration(timeoutMs)} (one attempt: the Region is being left)`;
    this.name = 'LeftRegionTimeout';
  }
}

/**
 * Runs `call` with an AbortSignal that fires after `timeoutMs`. The returned promise rejects with
 * CallTimeoutError (or `timedOut()`) at the deadline even if the callee ignores the signal.
 */
export async function withTimeout<T>(
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  timedOut: () => Error = () => new CallTimeoutError(timeoutMs),
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timedOut();
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
