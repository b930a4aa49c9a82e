import type { ArcEndpoint } from '../../adapters/aws/arc-endpoints.js';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf } from '../../plan/schema.js';
import { dnsFromRoutingControls } from '../../state/observed.js';
import { text } from '../format.js';
import type { Check, Checker } from '../types.js';
import { AwsCallError, awsCall, type CheckBase, failedCheck } from './call.js';

type Arc = ResourceOf<'arc-routing-control'>;
const ACTION = 'route53-recovery-cluster:GetRoutingControlState';

/**
 * ARC routing control: every Regional endpoint of the cluster answers (a failover needs only one, and
 * the one in the impaired Region will not), and the states are those of normal operation: the primary's
 * routing control On, the recovery's Off.
 */
export function createArcChecker(clients: AwsClients): Checker<'arc-routing-control'> {
  return {
    async check(resource, _service, ctx) {
      const read = (endpoint: ArcEndpoint, arn: string) =>
        awsCall(ctx, ACTION, (abortSignal) =>
          clients
            .arcCluster(endpoint)
            .send(
              new (sdk.route53RecoveryCluster().GetRoutingControlStateCommand)({ RoutingControlArn: arn }),
              { abortSignal },
            ),
        );
      const results = await Promise.all(
        resource.clusterEndpoints.map(async (endpoint) => {
          try {
            const [primary, recovery] = await Promise.all([
              read(endpoint, resource.primaryRoutingControlArn),
              read(endpoint, resource.recoveryRoutingControlArn),
            ]);
            return {
              endpoint,
              states: { primary: primary.RoutingControlState, recovery: recovery.RoutingControlState },
            };
          } catch (error) {
            return { endpoint, error };
          }
        }),
      );
      return [endpointsCheck(resource, results), statesCheck(resource, results)];
    },
  };
}

type Result = { endpoint: ArcEndpoint; states?: { primary?: string; recovery?: string }; error?: unknown };
const base = (r: Arc, name: string): CheckBase => ({ resourceId: r.id, kind: r.kind, name });
const why = (e: unknown) => (e instanceof AwsCallError ? e.awsName : e instanceof Error ? e.name : 'error');

function endpointsCheck(resource: Arc, results: readonly Result[]): Check {
  const b = base(resource, 'cluster endpoints');
  const down = results.filter((r) => r.error !== undefined);
  const measured = text(`${results.length - down.length} of ${results.length} answer`);
  const target = text(`all ${results.length} answer`);
  const list = down.map((r) => `${r.endpoint.region} (${why(r.error)})`).join(', ');
  if (down.length === 0)
    return {
      ...b,
      verdict: 'ready',
      measured,
      target,
      reason: `${resource.id}: all ${results.length} ARC cluster endpoints answer`,
    };
  if (down.length === results.length) {
    const first = down[0]?.error;
    const failed = failedCheck(b, first, `routing control ${resource.primaryRoutingControlArn}`);
    // Not found or access denied on every endpoint is the cluster's answer; anything else: none reachable.
    return first instanceof AwsCallError &&
      (first.failure === 'not_found' || first.failure === 'access_denied')
      ? failed
      : {
          ...b,
          verdict: 'not_ready',
          measured,
          target,
          reason: `${resource.id}: no ARC cluster endpoint answers (${list}): routing controls cannot be set`,
        };
  }
  // Throttling says nothing about an endpoint's health: unknown, never a made-up degraded or ready.
  const throttled = (r: Result) => r.error instanceof AwsCallError && r.error.failure === 'throttled';
  return {
    ...b,
    verdict: down.every(throttled) ? 'unknown' : 'degraded',
    measured,
    target,
    reason: `${resource.id}: ARC cluster endpoints not answering: ${list}; the others can still set routing controls`,
  };
}

function statesCheck(resource: Arc, results: readonly Result[]): Check {
  const b = base(resource, 'routing control states');
  const target = text('primary On, recovery Off');
  const answer = results.find((r) => r.states !== undefined)?.states;
  if (!answer)
    return {
      ...b,
      verdict: 'unknown',
      measured: text('unreadable'),
      target,
      reason: `${resource.id}: routing control states could not be read from any cluster endpoint`,
    };
  const measured = text(`primary ${answer.primary ?? '?'}, recovery ${answer.recovery ?? '?'}`);
  const seen = dnsFromRoutingControls(resource.id, answer);
  return { ...judgeStates(b, resource, answer, measured, target), ...(seen ? { observed: seen } : {}) };
}

function judgeStates(
  b: CheckBase,
  resource: Arc,
  answer: { primary?: string; recovery?: string },
  measured: Check['measured'],
  target: Check['target'],
): Check {
  if (answer.primary === 'On' && answer.recovery === 'Off')
    return {
      ...b,
      verdict: 'ready',
      measured,
      target,
      reason: `${resource.id}: primary routing control On, recovery Off`,
    };
  if (answer.primary === 'Off' && answer.recovery === 'Off')
    return {
      ...b,
      verdict: 'not_ready',
      measured,
      target,
      reason: `${resource.id}: both routing controls are Off: neither Region is meant to receive traffic`,
    };
  return {
    ...b,
    verdict: 'degraded',
    measured,
    target,
    reason:
      answer.primary === 'Off'
        ? `${resource.id}: traffic is routed to the recovery Region (primary routing control Off)`
        : `${resource.id}: both routing controls are On: both Regions receive traffic`,
  };
}
