import { GetHealthCheckStatusCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { formatDuration } from '../readiness/format.js';
import type { HttpGet, ProbeOutcome } from './types.js';

/** GET with a timeout; the body is read and dropped. Redirects are followed (a health URL may move). */
export const fetchGet: HttpGet = async (url, { timeoutMs, signal }) => {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    headers: { 'user-agent': 'Lifeboat-probe/1' },
  });
  await res.arrayBuffer().catch(() => undefined);
  return { status: res.status };
};

export async function probeHttp(
  get: HttpGet,
  url: string,
  expectStatus: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeOutcome> {
  try {
    const { status } = await get(url, { timeoutMs, ...(signal ? { signal } : {}) });
    return status === expectStatus
      ? { ok: true, detail: `HTTP ${status} from ${url}` }
      : { ok: false, detail: `HTTP ${status} from ${url} (expected ${expectStatus})` };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, detail: `no answer from ${url} within ${formatDuration(timeoutMs)}` };
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      ok: false,
      detail: `${url} unreachable (${error instanceof Error ? error.message : String(error)}${cause})`,
    };
  }
}

/**
 * Route 53's view of the primary endpoint: healthy when more than half of the health checkers
 * report Success (the readiness checker's rule). A failed API call says nothing about the endpoint:
 * it is inconclusive.
 */
export async function probeHealthCheck(
  route53: Route53Client,
  healthCheckId: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  try {
    const out = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    const observations = out.HealthCheckObservations ?? [];
    const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
    const figure = `Route 53 health check ${healthCheckId}: ${healthy} of ${observations.length} checkers healthy`;
    return { ok: observations.length > 0 && healthy * 2 > observations.length, detail: figure };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return {
      ok: false,
      inconclusive: true,
      detail: `Route 53 health check ${healthCheckId} could not be read (${name})`,
    };
  }
}
