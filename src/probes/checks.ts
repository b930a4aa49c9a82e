import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { routedHealth } from '../adapters/aws/route53-health.js';
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
 * What Route 53 routes on for the primary endpoint: its own decision, the `HealthCheckStatus` metric (in
 * us-east-1 only; after `Inverted` and after AWS's rule that a check is healthy when more than 18% of its
 * checkers report healthy), read by `routedHealth`. Per-checker strings (GetHealthCheckStatus) are not read:
 * they are each checker's view before Inverted, and AWS says that API is not for production use. A failed
 * read, no datapoint, or a status that flipped within the newest minute says nothing sure: inconclusive.
 */
export async function probeHealthCheck(
  cloudwatch: CloudWatchClient,
  healthCheckId: string,
  timeoutMs: number,
  now: number,
): Promise<ProbeOutcome> {
  try {
    const status = await routedHealth(cloudwatch, healthCheckId, now, (_action, fn) =>
      fn(AbortSignal.timeout(timeoutMs)),
    );
    const detail = `Route 53 health check ${healthCheckId}: ${status.text}`;
    if (status.healthy === true) return { ok: true, detail };
    if (status.healthy === false) return { ok: false, detail };
    return { ok: false, inconclusive: true, detail };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return {
      ok: false,
      inconclusive: true,
      detail: `Route 53 health check ${healthCheckId}: its HealthCheckStatus metric could not be read (${name})`,
    };
  }
}
