import type {
  RoutingControlState,
  UpdateRoutingControlStatesCommandInput,
} from '@aws-sdk/client-route53-recovery-cluster';
import { type ArcEndpoint, endpointOrder, onAnyEndpoint } from '../../adapters/aws/arc-endpoints.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf, Step } from '../../plan/schema.js';
import type { PlannedCall } from '../types.js';
import type { Facts, Observation, StepContext, StepExecutor } from './types.js';

type ArcStep = Extract<Step, { kind: 'arc-routing-control' }>;
type Ctx = StepContext<ArcStep>;

const res = (ctx: Ctx) => ctx.resource as ResourceOf<'arc-routing-control'>;
/** Endpoints outside the Region traffic leaves are tried first: that Region is the likely impaired one. */
const endpoints = (ctx: Ctx): ArcEndpoint[] => endpointOrder(res(ctx).clusterEndpoints, ctx.sourceRegion);

/** The states this step sets: the target Region's routing control On, the other Off. */
function wanted(ctx: Ctx): { arn: string; state: RoutingControlState; side: string }[] {
  const r = res(ctx);
  const toRecovery = ctx.kind === 'failover';
  // The one turned On comes first: with an "at least one On" assertion rule the batch is checked as a whole,
  // and a person reading the call sees traffic admitted before it is withdrawn.
  return [
    {
      arn: toRecovery ? r.recoveryRoutingControlArn : r.primaryRoutingControlArn,
      state: 'On',
      side: toRecovery ? 'recovery' : 'primary',
    },
    {
      arn: toRecovery ? r.primaryRoutingControlArn : r.recoveryRoutingControlArn,
      state: 'Off',
      side: toRecovery ? 'primary' : 'recovery',
    },
  ];
}

function input(ctx: Ctx): UpdateRoutingControlStatesCommandInput {
  const overrides = ctx.step.safetyRulesToOverride;
  return {
    UpdateRoutingControlStateEntries: wanted(ctx).map((w) => ({
      RoutingControlArn: w.arn,
      RoutingControlState: w.state,
    })),
    ...(overrides.length > 0 ? { SafetyRulesToOverride: [...overrides] } : {}),
  };
}

const failed = (n: number) => (n > 0 ? ` (${n} endpoint(s) did not answer first)` : '');

/**
 * arc-routing-control: sets the routing controls through the cluster's Regional endpoints (the ARC data
 * plane, which stays up when one Region, or Route 53's control plane in us-east-1, is impaired), trying
 * each endpoint in turn. Route 53 health checks of type RECOVERY_CONTROL follow the states, so failover
 * records move without any Route 53 API call. Setting a state is absolute, so repeating it (another
 * endpoint after a timeout, a retry after a crash) sets the same states again and changes nothing more.
 */
export const arcExecutor: StepExecutor<ArcStep> = {
  defaultTimeoutMs: 5 * 60_000,
  describe(ctx) {
    const [on, off] = wanted(ctx);
    return `Set ARC routing controls: ${on?.side} On, ${off?.side} Off (traffic to ${ctx.targetRegion}), through the cluster's Regional endpoints${ctx.step.safetyRulesToOverride.length > 0 ? `, overriding ${ctx.step.safetyRulesToOverride.length} safety rule(s)` : ''}`;
  },
  irreversible: () => false,
  region: (ctx) => endpoints(ctx)[0]?.region ?? ctx.targetRegion,
  async observe(ctx): Promise<Observation> {
    const states: string[] = [];
    let matches = true;
    let skipped = 0;
    let via = '';
    for (const w of wanted(ctx)) {
      const got = await onAnyEndpoint(endpoints(ctx), (endpoint) =>
        ctx.aws.call('route53-recovery-cluster:GetRoutingControlState', (abortSignal) =>
          ctx.clients
            .arcCluster(endpoint)
            .send(
              new (sdk.route53RecoveryCluster().GetRoutingControlStateCommand)({ RoutingControlArn: w.arn }),
              { abortSignal },
            ),
        ),
      );
      skipped = Math.max(skipped, got.failures.length);
      via = got.endpoint.region;
      const state = got.value.RoutingControlState ?? 'unknown';
      states.push(`${w.side} ${state}`);
      if (state !== w.state) matches = false;
    }
    const observed = `${states.join(', ')} (read via ${via}${failed(skipped)})`;
    const facts: Facts = { states: states.join(', '), endpointRegion: via };
    const preconditions = [
      { name: 'an ARC cluster endpoint answers', ok: true, observed: `via ${via}${failed(skipped)}` },
    ];
    return matches
      ? {
          state: 'done',
          summary: `routing controls ${observed}: traffic goes to ${ctx.targetRegion}`,
          facts,
          preconditions,
        }
      : { state: 'not-started', summary: `routing controls ${observed}`, facts, preconditions };
  },
  calls(ctx): PlannedCall[] {
    const [first] = endpoints(ctx);
    return [
      {
        client: 'route53-recovery-cluster',
        command: 'UpdateRoutingControlStates',
        region: first?.region ?? ctx.targetRegion,
        input: { ...input(ctx) },
        note: `at ${first?.endpoint ?? 'the first cluster endpoint'}; if it does not answer, the next of ${endpoints(
          ctx,
        )
          .map((e) => e.region)
          .join(', ')}`,
      },
    ];
  },
  async start(ctx): Promise<Facts> {
    const done = await onAnyEndpoint(endpoints(ctx), (endpoint) =>
      ctx.aws.call('route53-recovery-cluster:UpdateRoutingControlStates', (abortSignal) =>
        ctx.clients
          .arcCluster(endpoint)
          .send(new (sdk.route53RecoveryCluster().UpdateRoutingControlStatesCommand)(input(ctx)), {
            abortSignal,
          }),
      ),
    );
    return {
      endpointRegion: done.endpoint.region,
      endpointsTried: [...done.failures.map((f) => f.endpoint.region), done.endpoint.region].join(','),
    };
  },
};
