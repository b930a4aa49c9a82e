import { sdk } from '../../adapters/aws/sdk.js';
import type { Step } from '../../plan/schema.js';
import { healthCheckHealthy } from './route53.js';
import type { Observation, StepContext, StepExecutor } from './types.js';

type WaitStep = Extract<Step, { kind: 'wait' }>;
type VerifyStep = Extract<Step, { kind: 'verify' }>;
type NotifyStep = Extract<Step, { kind: 'notify' }>;

/** wait: the time counts from the persisted call time, so a restart does not start it over. */
export const waitExecutor: StepExecutor<WaitStep> = {
  defaultTimeoutMs: 60_000,
  describe: (ctx) => `Wait ${Math.round(ctx.step.duration / 1000)} s`,
  irreversible: () => false,
  async observe(ctx): Promise<Observation> {
    const since = ctx.record?.calledAtMs;
    if (since === undefined) return { state: 'not-started', summary: 'not started' };
    const left = since + ctx.step.duration - ctx.now();
    return left <= 0
      ? { state: 'done', summary: 'waited' }
      : { state: 'in-progress', summary: `${Math.ceil(left / 1000)} s left`, facts: { leftMs: left } };
  },
  calls: () => [],
  start: async () => ({}),
};

/** verify: a health check healthy (as Route 53 decides, see routedHealth) and/or an alarm OK, polled until the step's timeout. */
export const verifyExecutor: StepExecutor<VerifyStep> = {
  defaultTimeoutMs: 10 * 60_000,
  describe: (ctx) =>
    [
      ctx.step.healthCheckId ? `health check ${ctx.step.healthCheckId} healthy` : undefined,
      ctx.step.alarmName ? `alarm ${ctx.step.alarmName} OK in ${ctx.targetRegion}` : undefined,
    ]
      .filter(Boolean)
      .join(' and ')
      .replace(/^/, 'Verify '),
  irreversible: () => false,
  async observe(ctx): Promise<Observation> {
    const parts: string[] = [];
    let ok = true;
    const preconditions = [];
    if (ctx.step.healthCheckId) {
      const status = await healthCheckHealthy(ctx, ctx.step.healthCheckId);
      ok &&= status.healthy === true;
      parts.push(`${ctx.step.healthCheckId}: ${status.text}`);
      preconditions.push({
        name: `health check ${ctx.step.healthCheckId} healthy`,
        ok: status.healthy === undefined ? undefined : status.healthy === true,
        observed: status.text,
      });
    }
    if (ctx.step.alarmName) {
      const cw = ctx.clients.forRegion(ctx.targetRegion).cloudwatch;
      const name = ctx.step.alarmName;
      const out = await ctx.aws.call('cloudwatch:DescribeAlarms', (abortSignal) =>
        cw.send(
          new (sdk.cloudwatch().DescribeAlarmsCommand)({
            AlarmNames: [name],
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          }),
          { abortSignal },
        ),
      );
      const state = out.MetricAlarms?.[0]?.StateValue ?? out.CompositeAlarms?.[0]?.StateValue ?? 'missing';
      ok &&= state === 'OK';
      parts.push(`alarm ${name}: ${state}`);
      preconditions.push({ name: `alarm ${name} OK`, ok: state === 'OK', observed: state });
    }
    const summary = parts.join('; ');
    // Before the runbook runs these are expected to fail; during it they are waited for.
    return { state: ok ? 'done' : 'in-progress', summary, preconditions };
  },
  calls: () => [],
  start: async () => ({}),
};

const regionOfTopic = (arn: string) => arn.split(':')[3] ?? 'us-east-1';

/**
 * notify: SNS Publish to the service's stakeholder topics, each with its own Region's client. There is
 * no way to observe a past Publish, so a restart after the intent does not publish again (at most once);
 * the Slack side posts the message from onChange either way.
 */
export const notifyExecutor: StepExecutor<NotifyStep> = {
  defaultTimeoutMs: 60_000,
  describe: (ctx) =>
    ctx.service.stakeholderTopics.length > 0
      ? `Notify stakeholders (${ctx.service.stakeholderTopics.length} SNS topic(s)) and the channel`
      : 'Notify the channel',
  irreversible: () => false,
  async observe(ctx): Promise<Observation> {
    if (ctx.record?.calledAtMs !== undefined) return { state: 'done', summary: 'published' };
    if (ctx.record?.state === 'intent')
      return {
        state: 'done',
        summary: 'may have been published before a restart; not repeated',
        facts: { delivery: 'unconfirmed' },
      };
    return { state: 'not-started', summary: `${ctx.service.stakeholderTopics.length} topic(s)` };
  },
  calls: (ctx) =>
    ctx.service.stakeholderTopics.map((arn) => ({
      client: 'sns',
      command: 'Publish',
      region: regionOfTopic(arn),
      input: { TopicArn: arn, Subject: subject(ctx), Message: ctx.step.message },
    })),
  async start(ctx) {
    const ids: string[] = [];
    for (const arn of ctx.service.stakeholderTopics) {
      // A topic of the workload's account is published to as its role; Lifeboat's own topics with its own credentials.
      const clients = ctx.clients.account === arn.split(':')[4] ? ctx.clients : ctx.clients.own();
      const sns = clients.forRegion(regionOfTopic(arn)).sns;
      const out = await ctx.aws.call('sns:Publish', (abortSignal) =>
        sns.send(
          new (sdk.sns().PublishCommand)({ TopicArn: arn, Subject: subject(ctx), Message: ctx.step.message }),
          {
            abortSignal,
          },
        ),
      );
      ids.push(out?.MessageId ?? '');
    }
    return { messageIds: ids.join(','), message: ctx.step.message };
  },
};

/** SNS subjects: ASCII, at most 100 characters, no line breaks. */
function subject(ctx: StepContext<NotifyStep>): string {
  return `Lifeboat: ${ctx.service.name} ${ctx.kind}`.replace(/[^\x20-\x7e]/g, '').slice(0, 100);
}
