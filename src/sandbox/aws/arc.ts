import type {
  GetRoutingControlStateCommandInput,
  GetRoutingControlStateCommandOutput,
  ListRoutingControlsCommandInput,
  ListRoutingControlsCommandOutput,
  UpdateRoutingControlStateCommandInput,
  UpdateRoutingControlStateCommandOutput,
  UpdateRoutingControlStatesCommandInput,
  UpdateRoutingControlStatesCommandOutput,
} from '@aws-sdk/client-route53-recovery-cluster';
import type { ResourceOf, Service } from '../../plan/schema.js';
import { awsError } from './errors.js';
import { routingControlStateAt } from './metrics.js';
import type { Registry } from './registry.js';
import { emitChange, type RoutingControl, type RoutingControlState, type World } from './world.js';

/**
 * Route 53 ARC routing control, cluster data plane (FIDELITY.md, "ARC"). Each Regional endpoint is served
 * in its own Region: the dispatcher fails a call to an impaired Region's endpoint like any other call there,
 * and the caller tries another endpoint. States change at once on every endpoint (the cluster replicates
 * them); a change that would break an assertion safety rule is refused as a whole.
 */

/** The states a batch would leave, or the first safety rule it breaks. */
function apply(
  w: World,
  entries: readonly { arn: string; state: RoutingControlState }[],
  overrides: readonly string[],
): Map<string, RoutingControlState> {
  const now = w.time.now();
  const after = new Map<string, RoutingControlState>();
  for (const c of w.arc.controls.values()) after.set(c.arn, routingControlStateAt(c, now));
  for (const e of entries) after.set(e.arn, e.state);
  const changed = new Set(entries.map((e) => e.arn));
  for (const rule of w.arc.rules) {
    if (overrides.includes(rule.arn) || !rule.asserted.some((a) => changed.has(a))) continue;
    const on = rule.asserted.filter((a) => after.get(a) === 'On').length;
    if (on < rule.atLeast)
      throw awsError(
        'route53-recovery-cluster',
        'ConflictException',
        `The routing control state change violates safety rule ${rule.name} (${rule.arn}): at least ${rule.atLeast} of ${rule.asserted.length} routing controls must be On; ${on} would be.`,
        409,
      );
  }
  return after;
}

function control(w: World, arn: string | undefined): RoutingControl {
  const c = arn ? w.arc.controls.get(arn) : undefined;
  if (!c)
    throw awsError(
      'route53-recovery-cluster',
      'ResourceNotFoundException',
      `Routing control ${arn ?? ''} not found.`,
      404,
    );
  return c;
}

const STATES = new Set<string>(['On', 'Off']);
function stateOf(value: string | undefined): RoutingControlState {
  if (!value || !STATES.has(value))
    throw awsError(
      'route53-recovery-cluster',
      'ValidationException',
      `1 validation error detected: Value '${value ?? ''}' at 'routingControlState' failed to satisfy constraint: Member must satisfy enum value set: [On, Off]`,
    );
  return value as RoutingControlState;
}

function update(
  w: World,
  entries: readonly { RoutingControlArn?: string; RoutingControlState?: string }[],
  overrides: readonly string[] = [],
): void {
  const wanted = entries.map((e) => ({
    arn: control(w, e.RoutingControlArn).arn,
    state: stateOf(e.RoutingControlState),
  }));
  const after = apply(w, wanted, overrides);
  const now = w.time.now();
  for (const { arn } of wanted) {
    const c = control(w, arn);
    const state = after.get(arn) ?? 'Off';
    if (routingControlStateAt(c, now) === state) continue;
    c.history.push({ at: now, state });
    emitChange(w, 'arc-routing-control', arn, { state });
  }
}

export function registerArc(registry: Registry): void {
  registry
    .on<GetRoutingControlStateCommandInput, GetRoutingControlStateCommandOutput>(
      'route53-recovery-cluster:GetRoutingControlState',
      (input, { world }) => {
        const c = control(world, input.RoutingControlArn);
        return {
          RoutingControlArn: c.arn,
          RoutingControlState: routingControlStateAt(c, world.time.now()),
          RoutingControlName: c.name,
        };
      },
    )
    .on<UpdateRoutingControlStateCommandInput, UpdateRoutingControlStateCommandOutput>(
      'route53-recovery-cluster:UpdateRoutingControlState',
      (input, { world }) => {
        update(world, [input], input.SafetyRulesToOverride);
        return {};
      },
    )
    .on<UpdateRoutingControlStatesCommandInput, UpdateRoutingControlStatesCommandOutput>(
      'route53-recovery-cluster:UpdateRoutingControlStates',
      (input, { world }) => {
        const entries = input.UpdateRoutingControlStateEntries ?? [];
        if (entries.length > 10)
          throw awsError(
            'route53-recovery-cluster',
            'ServiceLimitExceededException',
            'The request can update at most 10 routing control states at the same time.',
            402,
          );
        update(world, entries, input.SafetyRulesToOverride);
        return {};
      },
    )
    .on<ListRoutingControlsCommandInput, ListRoutingControlsCommandOutput>(
      'route53-recovery-cluster:ListRoutingControls',
      (input, { world }) => ({
        RoutingControls: [...world.arc.controls.values()]
          .filter((c) => !input.ControlPanelArn || c.controlPanelArn === input.ControlPanelArn)
          .map((c) => ({
            ControlPanelArn: c.controlPanelArn,
            RoutingControlArn: c.arn,
            RoutingControlName: c.name,
            RoutingControlState: routingControlStateAt(c, world.time.now()),
            Owner: world.account,
          })),
      }),
    );
}

/**
 * The plan's two routing controls (primary On, recovery Off) and the assertion rule AWS's guide suggests
 * for an active/passive pair: at least one of them On, so traffic never fails open to nowhere.
 */
export function seedArc(w: World, _svc: Service, r: ResourceOf<'arc-routing-control'>): void {
  const panel = (arn: string) => arn.replace(/\/routingcontrol\/.*$/, '');
  for (const [arn, state] of [
    [r.primaryRoutingControlArn, 'On'],
    [r.recoveryRoutingControlArn, 'Off'],
  ] as const) {
    if (w.arc.controls.has(arn)) continue;
    w.arc.controls.set(arn, {
      arn,
      name: `${r.id}-${state === 'On' ? 'primary' : 'recovery'}`,
      controlPanelArn: panel(arn),
      history: [{ at: Number.NEGATIVE_INFINITY, state }],
    });
  }
  w.arc.rules.push({
    arn: `${panel(r.primaryRoutingControlArn)}/safetyrule/${r.id.replace(/[^0-9a-z]/g, '')}atleastone`,
    name: `${r.id}-at-least-one-on`,
    asserted: [r.primaryRoutingControlArn, r.recoveryRoutingControlArn],
    atLeast: 1,
  });
}

/**
 * Route 53 health checks of type RECOVERY_CONTROL: a service with both an ARC resource and failover records
 * gets its record health checks tied to the routing controls (primary to primary), as the ARC guide sets
 * them up, so turning a routing control Off fails its record over on Route 53's data plane.
 */
export function linkRoutingControls(w: World, svc: Service): void {
  const controls = svc.resources.find((x) => x.kind === 'arc-routing-control');
  if (!controls) return;
  for (const r of svc.resources) {
    if (r.kind !== 'route53') continue;
    const pairs: [string | undefined, string][] = [
      [r.primaryHealthCheckId, controls.primaryRoutingControlArn],
      [r.recoveryHealthCheckId, controls.recoveryRoutingControlArn],
    ];
    for (const [id, arn] of pairs) {
      const hc = id ? w.route53.healthChecks.get(id) : undefined;
      if (hc) hc.routingControlArn = arn;
    }
  }
}
