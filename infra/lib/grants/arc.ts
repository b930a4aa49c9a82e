import type { PolicyStatementSpec } from '../policy-spec.js';
import { hasSteps, type ResourceContext, sid } from './context.js';

/**
 * Route 53 ARC routing control: reading the two routing controls' states through the cluster's Regional
 * endpoints (readiness and every step observation) and, when a step acts on it, setting them. The actions
 * take the routing control ARN as their resource (Service Authorization Reference, Amazon Route 53 Recovery
 * Cluster); a safety rule override needs no separate action.
 */
export function arcStatements(ctx: ResourceContext<'arc-routing-control'>): PolicyStatementSpec[] {
  const r = ctx.resource;
  const controls = [r.primaryRoutingControlArn, r.recoveryRoutingControlArn];
  const out: PolicyStatementSpec[] = [
    {
      sid: sid(ctx, 'ArcReadRoutingControls'),
      actions: ['route53-recovery-cluster:GetRoutingControlState'],
      resources: controls,
    },
  ];
  if (hasSteps(ctx))
    out.push({
      sid: sid(ctx, 'ArcSetRoutingControls'),
      actions: [
        'route53-recovery-cluster:UpdateRoutingControlState',
        'route53-recovery-cluster:UpdateRoutingControlStates',
      ],
      resources: controls,
    });
  return out;
}
