import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { ROUTE53_METRICS_REGION, routedHealth } from '../../adapters/aws/route53-health.js';
import { recordAnswer, sameRecordName } from '../../adapters/aws/route53-names.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { ResourceOf, Step } from '../../plan/schema.js';
import type { PlannedCall, Precondition } from '../types.js';
import type { Facts, Observation, StepContext, StepExecutor } from './types.js';

type DnsStep = Extract<Step, { kind: 'route53' }>;
type Ctx = StepContext<DnsStep>;

const res = (ctx: Ctx) => ctx.resource as ResourceOf<'route53'>;
const r53 = (ctx: Ctx) => ctx.clients.forRegion(ctx.targetRegion).route53;
const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);

/** What Route 53 decides about the health check (its HealthCheckStatus metric in us-east-1, see routedHealth). */
export function healthCheckHealthy(
  ctx: StepContext,
  id: string,
): Promise<{ healthy: boolean | 'changing' | undefined; text: string }> {
  return routedHealth(ctx.clients.forRegion(ROUTE53_METRICS_REGION).cloudwatch, id, ctx.now(), (action, fn) =>
    ctx.aws.call(action, fn),
  );
}

/** fail-health-check: the health check whose failure moves traffic (the primary's), inverted on failover and restored on failback. */
async function observeHealthCheck(ctx: Ctx): Promise<Observation> {
  const id = res(ctx).primaryHealthCheckId;
  const failover = ctx.kind === 'failover';
  const got = await ctx.aws.call('route53:GetHealthCheck', (abortSignal) =>
    r53(ctx).send(new (sdk.route53().GetHealthCheckCommand)({ HealthCheckId: id }), { abortSignal }),
  );
  const inverted = got.HealthCheck?.HealthCheckConfig?.Inverted === true;
  const version = got.HealthCheck?.HealthCheckVersion ?? null;
  const status = await healthCheckHealthy(ctx, id);
  const facts = { inverted, healthy: status.healthy === undefined ? null : status.healthy, version };
  const observed = `${id}: ${inverted ? 'inverted' : 'not inverted'}; ${status.text}`;
  const preconditions: Precondition[] = [
    { name: 'primary health check readable', ok: got.HealthCheck !== undefined, observed },
  ];
  if (failover) {
    // Already failing (e.g. the primary Region is down): Route 53 already answers with the secondary.
    // Reported both healthy and unhealthy within the newest minute ("changing") is not done: which came
    // last is unknown (an inverted check whose endpoint failed is healthy again and routes to the primary),
    // so the step waits for a whole minute of unhealthy (the metric has 1-minute periods).
    if (status.healthy === false)
      return {
        state: 'done',
        summary: `primary health check ${id} is failing: traffic goes to the secondary`,
        facts,
        preconditions,
      };
    if (inverted || status.healthy === 'changing')
      return {
        state: 'in-progress',
        summary: `${observed}; waiting for Route 53 to report it unhealthy for a whole minute`,
        facts,
        preconditions,
      };
    return { state: 'not-started', summary: observed, facts, preconditions };
  }
  // Done only when Route 53 reports it healthy for the whole newest minute: "changing" (both values within
  // the minute) may end unhealthy, with DNS still answering with the recovery Region.
  if (!inverted && status.healthy === true)
    return { state: 'done', summary: `${observed}: traffic returns to the primary`, facts, preconditions };
  if (!inverted)
    return {
      state: 'in-progress',
      summary: `${observed}; waiting for Route 53 to report it healthy for a whole minute`,
      facts,
      preconditions,
    };
  return { state: 'not-started', summary: observed, facts, preconditions };
}

async function records(ctx: Ctx) {
  const r = res(ctx);
  const out = await ctx.aws.call('route53:ListResourceRecordSets', (abortSignal) =>
    r53(ctx).send(
      new (sdk.route53().ListResourceRecordSetsCommand)({
        HostedZoneId: r.hostedZoneId,
        StartRecordName: r.recordName,
        StartRecordType: r.recordType,
        MaxItems: 10,
      }),
      { abortSignal },
    ),
  );
  const mine = (out.ResourceRecordSets ?? []).filter(
    (s) => sameRecordName(s.Name, r.recordName) && s.Type === r.recordType,
  );
  return {
    primary: mine.find((s) => s.Failover === 'PRIMARY'),
    secondary: mine.find((s) => s.Failover === 'SECONDARY'),
  };
}

const values = recordAnswer;

/** The PRIMARY record pointed where the SECONDARY points: its alias target, or its values and TTL. */
function pointedAt(primary: ResourceRecordSet, secondary: ResourceRecordSet): ResourceRecordSet {
  const { AliasTarget: _alias, ResourceRecords: _values, TTL: _ttl, ...rest } = primary;
  return secondary.AliasTarget
    ? { ...rest, AliasTarget: secondary.AliasTarget }
    : { ...rest, TTL: primary.TTL ?? secondary.TTL, ResourceRecords: secondary.ResourceRecords ?? [] };
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * update-record, failover: the PRIMARY failover record is pointed at the SECONDARY's values (UPSERT), then
 * GetChange until INSYNC. The PRIMARY record as it was (`originalRecord`) is only in the not-started facts,
 * so it lands on the step record with the intent and later observations do not overwrite it: failback
 * restores it from there.
 */
async function observeRecord(ctx: Ctx): Promise<Observation> {
  const r = res(ctx);
  if (ctx.kind !== 'failover') return observeRecordBack(ctx);
  const { primary, secondary } = await records(ctx);
  const preconditions: Precondition[] = [
    {
      name: 'PRIMARY and SECONDARY failover records exist',
      ok: Boolean(primary && secondary),
      observed: `PRIMARY ${values(primary) || 'missing'}, SECONDARY ${values(secondary) || 'missing'}`,
    },
  ];
  if (!primary || !secondary)
    return {
      state: 'failed',
      summary: `${r.recordName} ${r.recordType} needs PRIMARY and SECONDARY failover records`,
      preconditions,
    };
  if (Boolean(primary.AliasTarget) !== Boolean(secondary.AliasTarget))
    return {
      state: 'failed',
      summary: `${r.recordName} ${r.recordType}: the ${primary.AliasTarget ? 'PRIMARY' : 'SECONDARY'} record is an alias and the ${primary.AliasTarget ? 'SECONDARY' : 'PRIMARY'} is not; Lifeboat will not mix them in one record: make both alias records (or both plain), or use fail-health-check or an arc-routing-control step`,
      preconditions,
    };
  const facts = {
    primaryValues: values(primary),
    secondaryValues: values(secondary),
    record: JSON.stringify(primary),
    target: JSON.stringify(secondary),
  };
  if (values(primary) !== values(secondary))
    return {
      state: 'not-started',
      summary: `PRIMARY answers ${values(primary)}`,
      facts: { ...facts, originalRecord: JSON.stringify(primary) },
      preconditions,
    };
  const changed = await changePending(ctx);
  if (changed) return { ...changed, facts, preconditions };
  return { state: 'done', summary: `PRIMARY now answers ${values(primary)}`, facts, preconditions };
}

/**
 * The change this step made, while Route 53 has not applied it everywhere: in-progress until GetChange says
 * INSYNC (undefined then, or when the step never called). When this step did call (an intent, or an earlier
 * attempt) but its change id was not recorded (a crash or a timeout before the answer), INSYNC cannot be
 * confirmed: the step fails, so the runbook pauses and a person checks DNS and skips or aborts — it never
 * reports done while the change may still be PENDING.
 */
async function changePending(ctx: Ctx): Promise<Pick<Observation, 'state' | 'summary'> | undefined> {
  const changeId = ctx.record?.observed?.changeId;
  if (typeof changeId !== 'string') {
    const called = ctx.record !== undefined && (ctx.record.state === 'intent' || ctx.record.attempts > 0);
    if (!called) return undefined;
    return {
      state: 'failed',
      summary: `the record already answers the new values, but the id of the change this step sent was not recorded (the call's answer was lost), so Lifeboat cannot confirm Route 53 applied it everywhere (INSYNC): check that resolvers answer the new values (dig ${res(ctx).recordName} ${res(ctx).recordType}), then Skip this step, or Abort`,
    };
  }
  const change = await ctx.aws.call('route53:GetChange', (abortSignal) =>
    r53(ctx).send(new (sdk.route53().GetChangeCommand)({ Id: changeId }), { abortSignal }),
  );
  return change.ChangeInfo?.Status === 'INSYNC'
    ? undefined
    : { state: 'in-progress', summary: `change ${changeId} ${change.ChangeInfo?.Status ?? 'unknown'}` };
}

/**
 * update-record, failback: the PRIMARY record gets back the values the failover recorded before it changed
 * them (its own step record after a restart, else the failover execution's). Without them it refuses.
 */
async function observeRecordBack(ctx: Ctx): Promise<Observation> {
  const r = res(ctx);
  const original = text(ctx.record?.observed?.originalRecord) ?? text(ctx.origin?.originalRecord);
  if (!original)
    return {
      state: 'failed',
      summary: `the original values of the PRIMARY record ${r.recordName} ${r.recordType} were not recorded at failover time (Lifeboat did not change it, or the failover is not on record): restore them by hand, then skip this step`,
    };
  const before = JSON.parse(original) as ResourceRecordSet;
  const { primary } = await records(ctx);
  const preconditions: Precondition[] = [
    {
      name: 'PRIMARY failover record exists',
      ok: primary !== undefined,
      observed: `PRIMARY ${values(primary) || 'missing'}, before failover ${values(before)}`,
    },
  ];
  if (!primary)
    return {
      state: 'failed',
      summary: `${r.recordName} ${r.recordType} has no PRIMARY record`,
      preconditions,
    };
  const facts = { originalRecord: original, primaryValues: values(primary), restoreValues: values(before) };
  if (values(primary) !== values(before))
    return {
      state: 'not-started',
      summary: `PRIMARY answers ${values(primary)}; before the failover it answered ${values(before)}`,
      facts,
      preconditions,
    };
  const changed = await changePending(ctx);
  if (changed) return { ...changed, facts, preconditions };
  return { state: 'done', summary: `PRIMARY answers ${values(primary)} again`, facts, preconditions };
}

function recordChange(ctx: Ctx, observation: Observation | undefined) {
  const f = observation?.facts;
  const comment = `lifeboat ${ctx.executionId} ${ctx.step.id}`;
  if (ctx.kind !== 'failover') {
    const original = text(f?.originalRecord);
    return {
      HostedZoneId: res(ctx).hostedZoneId,
      ChangeBatch: {
        Comment: comment,
        Changes: [
          {
            Action: 'UPSERT' as const,
            ResourceRecordSet: original
              ? (JSON.parse(original) as ResourceRecordSet)
              : {
                  Name: fqdn(res(ctx).recordName),
                  Type: res(ctx).recordType,
                  Failover: 'PRIMARY' as const,
                  ResourceRecords: [{ Value: '<values recorded at failover>' }],
                },
          },
        ],
      },
    };
  }
  const primary = typeof f?.record === 'string' ? (JSON.parse(f.record) as ResourceRecordSet) : undefined;
  const target = typeof f?.target === 'string' ? (JSON.parse(f.target) as ResourceRecordSet) : undefined;
  return {
    HostedZoneId: res(ctx).hostedZoneId,
    ChangeBatch: {
      Comment: comment,
      Changes: [
        {
          Action: 'UPSERT' as const,
          ResourceRecordSet:
            primary && target
              ? pointedAt(primary, target)
              : {
                  Name: fqdn(res(ctx).recordName),
                  Type: res(ctx).recordType,
                  Failover: 'PRIMARY' as const,
                  ResourceRecords: [{ Value: '<SECONDARY record values>' }],
                },
        },
      ],
    },
  };
}

export const route53Executor: StepExecutor<DnsStep> = {
  defaultTimeoutMs: 10 * 60_000,
  describe(ctx) {
    const r = res(ctx);
    if (ctx.step.action === 'update-record')
      return ctx.kind === 'failover'
        ? `Point ${r.recordName} ${r.recordType} (PRIMARY failover record) at the ${ctx.targetRegion} values; wait until INSYNC`
        : `Restore ${r.recordName} ${r.recordType} (PRIMARY failover record) to its values before the failover; wait until INSYNC`;
    return ctx.kind === 'failover'
      ? `Invert primary health check ${r.primaryHealthCheckId} (Route 53 control plane, us-east-1) so Route 53 answers with ${ctx.targetRegion}; skipped if Route 53 already reports it unhealthy`
      : `Restore primary health check ${r.primaryHealthCheckId} (not inverted)`;
  },
  irreversible: () => false,
  observe: (ctx) => (ctx.step.action === 'update-record' ? observeRecord(ctx) : observeHealthCheck(ctx)),
  calls(ctx, observation): PlannedCall[] {
    if (ctx.step.action === 'update-record')
      return [
        {
          client: 'route53',
          command: 'ChangeResourceRecordSets',
          region: 'us-east-1',
          input: recordChange(ctx, observation),
          note: 'then GetChange until INSYNC',
        },
      ];
    const version = observation?.facts?.version;
    return [
      {
        client: 'route53',
        command: 'UpdateHealthCheck',
        region: 'us-east-1',
        input: {
          HealthCheckId: res(ctx).primaryHealthCheckId,
          Inverted: ctx.kind === 'failover',
          HealthCheckVersion: typeof version === 'number' ? version : '<current version>',
        },
        note:
          ctx.kind === 'failover'
            ? 'not sent if Route 53 already reports the primary health check unhealthy'
            : undefined,
      },
    ];
  },
  async start(ctx, observation): Promise<Facts> {
    if (ctx.step.action === 'update-record') {
      const out = await ctx.aws.call('route53:ChangeResourceRecordSets', (abortSignal) =>
        r53(ctx).send(new (sdk.route53().ChangeResourceRecordSetsCommand)(recordChange(ctx, observation)), {
          abortSignal,
        }),
      );
      return { changeId: out?.ChangeInfo?.Id ?? null };
    }
    const version = observation.facts?.version;
    const out = await ctx.aws.call('route53:UpdateHealthCheck', (abortSignal) =>
      r53(ctx).send(
        new (sdk.route53().UpdateHealthCheckCommand)({
          HealthCheckId: res(ctx).primaryHealthCheckId,
          Inverted: ctx.kind === 'failover',
          ...(typeof version === 'number' ? { HealthCheckVersion: version } : {}),
        }),
        { abortSignal },
      ),
    );
    return { version: out?.HealthCheck?.HealthCheckVersion ?? null };
  },
};
