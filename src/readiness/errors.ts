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
 * Runs `call` with an AbortSignal that fires after `timeoutMs`. The returned promise rejects with
 * CallTimeoutError at the deadline even if the callee ignores the signal.
 */
export async function withTimeout<T>(
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CallTimeoutError(timeoutMs);
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
