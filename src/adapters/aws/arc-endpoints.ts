/** One Regional endpoint of a Route 53 ARC cluster, as the plan lists it. */
export interface ArcEndpoint {
  readonly region: string;
  readonly endpoint: string;
}

/**
 * Answers that come from the cluster itself and would be the same on every endpoint: a safety rule refusing
 * the change (ConflictException), a bad request, missing permission, an unknown routing control. Anything
 * else (EndpointTemporarilyUnavailableException, InternalServerException, throttling, timeouts, network
 * errors) says only that this endpoint did not answer, and the next one is tried, as the ARC guide
 * recommends.
 */
const CLUSTER_ANSWERS = new Set([
  'ConflictException',
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ServiceLimitExceededException',
]);

const errorName = (error: unknown): string => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    awsName?: unknown;
    name?: unknown;
  };
  return typeof e.awsName === 'string' ? e.awsName : typeof e.name === 'string' ? e.name : 'Error';
};

export const isClusterAnswer = (error: unknown): boolean => CLUSTER_ANSWERS.has(errorName(error));

/** Every endpoint failed; `failures` names each endpoint's error, in the order tried. */
export class ArcEndpointsError extends Error {
  readonly code = 'arc_endpoints_failed';
  constructor(readonly failures: readonly { endpoint: ArcEndpoint; error: unknown }[]) {
    super(
      `no ARC cluster endpoint answered: ${failures
        .map(
          ({ endpoint, error }) =>
            `${endpoint.region}: ${error instanceof Error ? error.message : String(error)}`,
        )
        .join('; ')}`,
    );
    this.name = 'ArcEndpointsError';
  }
}

/**
 * The order to try a cluster's endpoints in: the plan's order, except that endpoints in `avoid` (the Region
 * being failed away from, likely impaired) go last.
 */
export function endpointOrder(endpoints: readonly ArcEndpoint[], avoid?: string): ArcEndpoint[] {
  return [...endpoints.filter((e) => e.region !== avoid), ...endpoints.filter((e) => e.region === avoid)];
}

/**
 * Runs `attempt` against one endpoint after another until one answers. A cluster answer (see
 * `isClusterAnswer`) is final and thrown at once; when every endpoint fails, ArcEndpointsError lists why.
 */
export async function onAnyEndpoint<T>(
  endpoints: readonly ArcEndpoint[],
  attempt: (endpoint: ArcEndpoint) => Promise<T>,
): Promise<{ value: T; endpoint: ArcEndpoint; failures: { endpoint: ArcEndpoint; error: unknown }[] }> {
  const failures: { endpoint: ArcEndpoint; error: unknown }[] = [];
  for (const endpoint of endpoints) {
    try {
      return { value: await attempt(endpoint), endpoint, failures };
    } catch (error) {
      if (isClusterAnswer(error)) throw error;
      failures.push({ endpoint, error });
    }
  }
  throw new ArcEndpointsError(failures);
}
