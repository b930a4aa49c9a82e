import type { AwsClients, RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import { AwsCallError, awsCall, type CheckBase, guard } from '../../readiness/aws/call.js';
import { text } from '../../readiness/format.js';
import type { Check, CheckContext, Checker, NamedService, Verdict } from '../../readiness/types.js';
import type { Run } from '../autoscaling/groups.js';
import { getFunction } from './invoke.js';
import type { LambdaFunction } from './schema.js';

type Side = 'recovery' | 'primary';
const base = (r: LambdaFunction, name: string): CheckBase => ({ resourceId: r.id, kind: r.kind, name });

/**
 * The primary Region's function serves a clean-up or a failback, not the failover itself: what is wrong there
 * degrades the service's readiness rather than making it not ready.
 */
const cap = (side: Side, v: Verdict): Verdict => (side === 'primary' && v === 'not_ready' ? 'degraded' : v);

/**
 * Lambda function, per declared function (recovery Region, then primary): it exists and can be invoked
 * (GetFunction: State Active and LastUpdateStatus Successful; Inactive or a failed update is degraded, Pending
 * not ready yet), and the bot's role may invoke it (Invoke with InvocationType DryRun, which checks the parameters
 * and the permission without running the function).
 */
export function createLambdaChecker(clients: AwsClients): Checker<'lambda-function'> {
  return {
    async check(resource, service, ctx) {
      const sides: { side: Side; fn: string; region: string }[] = [];
      if (resource.recoveryFunction)
        sides.push({ side: 'recovery', fn: resource.recoveryFunction, region: service.recoveryRegion });
      if (resource.primaryFunction)
        sides.push({ side: 'primary', fn: resource.primaryFunction, region: service.primaryRegion });
      const rows = await Promise.all(sides.map((s) => checkSide(clients, resource, service, ctx, s)));
      return rows.flat();
    },
  };
}

async function checkSide(
  clients: AwsClients,
  r: LambdaFunction,
  _service: NamedService,
  ctx: CheckContext,
  s: { side: Side; fn: string; region: string },
): Promise<Check[]> {
  const regionClients = clients.forRegion(s.region);
  const run: Run = (action, call) => awsCall(ctx, action, call);
  const fnRow = `${s.side} function`;
  const subject = `Lambda function ${s.fn} in ${s.region}`;
  let invokable = false;
  const state = await guard(base(r, fnRow), subject, async () => {
    const c = await getFunction(run, regionClients, s.fn);
    const measured = c ? `${c.State ?? 'unknown'}/${c.LastUpdateStatus ?? 'unknown'}` : 'not found';
    let verdict: Verdict;
    if (!c || c.State === 'Failed' || c.State === 'Pending') verdict = 'not_ready';
    else if (c.State === 'Active' && (c.LastUpdateStatus ?? 'Successful') === 'Successful') verdict = 'ready';
    else verdict = 'degraded';
    invokable = c?.State === 'Active';
    const why =
      c?.State === 'Inactive'
        ? ': the first invocation fails while Lambda recreates its resources'
        : c?.LastUpdateStatus === 'Failed'
          ? `: the last update failed (${c.LastUpdateStatusReason ?? 'no reason given'}); the previous version runs`
          : '';
    return {
      ...base(r, fnRow),
      verdict: cap(s.side, verdict),
      measured: text(measured),
      target: text('Active/Successful'),
      reason: `${r.id}: ${s.fn} in ${s.region} ${c ? `State ${c.State}, LastUpdateStatus ${c.LastUpdateStatus}` : 'not found'}${why}`,
    };
  });
  if (!invokable) return state;
  const permission = await guard(base(r, `${s.side} invoke permission`), subject, () =>
    permissionCheck(ctx, regionClients, r, s),
  );
  return [...state, ...permission.map((c) => ({ ...c, verdict: cap(s.side, c.verdict) }))];
}

async function permissionCheck(
  ctx: CheckContext,
  clients: RegionClients,
  r: LambdaFunction,
  s: { side: Side; fn: string; region: string },
): Promise<Check> {
  const b = base(r, `${s.side} invoke permission`);
  try {
    await awsCall(ctx, 'lambda:InvokeFunction', (abortSignal) =>
      clients.lambda.send(
        new (sdk.lambda().InvokeCommand)({ FunctionName: s.fn, InvocationType: 'DryRun' }),
        {
          abortSignal,
        },
      ),
    );
  } catch (error) {
    if (error instanceof AwsCallError && error.failure === 'access_denied')
      return {
        ...b,
        verdict: 'not_ready',
        measured: text('denied'),
        reason: `${r.id}: the bot's role may not invoke ${s.fn} in ${s.region} (${error.awsName}): grant lambda:InvokeFunction (infra/ derives it from the plan)`,
      };
    throw error;
  }
  return {
    ...b,
    verdict: 'ready',
    measured: text('allowed'),
    reason: `${r.id}: the bot's role may invoke ${s.fn} in ${s.region} (Invoke DryRun)`,
  };
}
