import { sdk } from '../../adapters/aws/sdk.js';
import { AwsCallError } from '../../readiness/aws/call.js';
import { errorText } from '../../runbook/executors/call.js';
import type { Facts, Observation, StepContext, StepExecutor } from '../../runbook/executors/types.js';
import type { PlannedCall, Precondition } from '../../runbook/types.js';
import { stepRun } from '../autoscaling/groups.js';
import {
  getFunction,
  idempotencyKey,
  invocable,
  invocationFacts,
  invocationPayload,
  MAX_FUNCTION_MS,
  PAYLOAD_LIMIT_BYTES,
  resultText,
} from './invoke.js';
import { functionOn, invokedSide, type LambdaFunction, type LambdaStep } from './schema.js';

type Ctx = StepContext<LambdaStep>;

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const res = (ctx: Ctx) => ctx.resource as LambdaFunction;
const side = (ctx: Ctx) => invokedSide(ctx.step, ctx.kind === 'failback' ? 'failback' : 'failover');
const fnName = (ctx: Ctx) => functionOn(res(ctx), side(ctx));
/** The Region the function is invoked in: the recovery or the primary Region of the service. */
const regionOf = (ctx: Ctx) =>
  side(ctx) === 'recovery' ? ctx.service.recoveryRegion : ctx.service.primaryRegion;
/** How long the invocation may take: the step's timeout, at most the longest a function can run (plus a margin). */
const budgetMs = (ctx: Ctx) => Math.min(ctx.step.timeout ?? DEFAULT_TIMEOUT_MS, MAX_FUNCTION_MS + 30_000);

async function observe(ctx: Ctx): Promise<Observation> {
  const fn = fnName(ctx);
  const region = regionOf(ctx);
  if (fn === undefined)
    return {
      state: 'failed',
      summary: `${res(ctx).id} declares no function in the ${side(ctx)} Region (${region})`,
    };
  const rec = ctx.record;
  if (rec?.state === 'intent') {
    const o = rec.observed ?? {};
    if (rec.calledAtMs !== undefined && typeof o.statusCode === 'number') {
      const text = resultText(o, fn, region);
      return o.functionError
        ? {
            state: 'failed',
            summary: `${text}. Fix the function or its input, then Retry (invokes it again), or Skip`,
          }
        : { state: 'done', summary: text, facts: { result: text } };
    }
    // The intent is recorded and no outcome: the call may have reached Lambda and run the function.
    return {
      state: 'failed',
      summary: `the invocation of ${fn} in ${region} (attempt ${rec.attempts}) has no recorded outcome (a restart, or a lost answer): ${unknownAdvice(ctx, fn)}`,
    };
  }
  const c = await getFunction(stepRun(ctx), ctx.clients.forRegion(region), fn);
  const exists: Precondition = {
    name: `Lambda function ${fn} in ${region} Active`,
    ok: c !== undefined && invocable(c).ok,
    observed: c ? invocable(c).text : 'not found',
  };
  if (!c)
    return { state: 'failed', summary: `function ${fn} not found in ${region}`, preconditions: [exists] };
  const now = invocable(c);
  if (now.wait)
    return { state: 'blocked', summary: `${fn} in ${region}: ${now.text}`, preconditions: [exists] };
  if (!now.ok)
    return {
      state: 'failed',
      summary: `${fn} in ${region} cannot be invoked: ${now.text}`,
      preconditions: [exists],
    };
  const budgetS = Math.round(budgetMs(ctx) / 1000);
  const fits = c.Timeout === undefined || c.Timeout <= budgetS;
  const timeout: Precondition = {
    name: `${fn}'s timeout within the step's ${budgetS} s`,
    ok: fits,
    observed: fits
      ? `${c.Timeout ?? '?'} s`
      : `${c.Timeout} s: a run longer than ${budgetS} s pauses the step with an unknown outcome; give the step a longer timeout`,
  };
  return {
    state: 'not-started',
    summary: `${fn} in ${region}: ${now.text}, timeout ${c.Timeout ?? '?'} s`,
    facts: { functionName: fn, functionRegion: region, functionTimeoutS: c.Timeout ?? null },
    preconditions: [exists, timeout],
  };
}

/**
 * Lambda refused the request before running the function (Invoke API reference, errors): the function is not
 * there or not ready, the caller is throttled or not allowed, or the request is invalid. Any other error (no
 * answer in time, a network error, a 5xx, or a 4xx that may come from a run under way, e.g. EFSIOException)
 * leaves the outcome unknown: stricter than necessary, never a blind second run.
 */
const REFUSED = new Set([
  'ResourceNotFoundException',
  'ResourceConflictException',
  'ResourceNotReadyException',
  'TooManyRequestsException',
  'RequestTooLargeException',
  'InvalidParameterValueException',
  'InvalidRequestContentException',
  'UnsupportedMediaTypeException',
]);
function outcomeUnknown(error: unknown): boolean {
  // Every error of a call is an AwsCallError (the caller wraps them); another one means no call was made.
  if (!(error instanceof AwsCallError)) return false;
  return !(error.failure === 'access_denied' || REFUSED.has(error.awsName));
}

const unknownAdvice = (ctx: Ctx, fn: string) =>
  `${fn} may have run or still be running: check its logs for idempotency key ${idempotencyKey({ executionId: ctx.executionId, stepId: ctx.step.id })}; Retry invokes it again with the same key, Skip moves on`;

async function payload(ctx: Ctx): Promise<string> {
  const people = ctx.people ? await ctx.people() : undefined;
  return invocationPayload(
    {
      executionId: ctx.executionId,
      stepId: ctx.step.id,
      attempt: ctx.record?.attempts ?? 0,
      service: ctx.service.name,
      direction: ctx.kind === 'failback' ? 'failback' : 'failover',
      mode: ctx.mode,
      sourceRegion: ctx.sourceRegion,
      targetRegion: ctx.targetRegion,
      functionRegion: regionOf(ctx),
      requestedBy: people?.requestedBy ?? null,
      approvedBy: people?.approvedBy ?? [],
    },
    ctx.step.input,
  );
}

/**
 * lambda-invoke: invokes the function once per intent, synchronously (RequestResponse), with the execution's
 * context and an idempotency key, and waits at most the step's timeout. What the function answered is recorded
 * (status code, FunctionError with its error type and message, an excerpt of the payload): a function error pauses
 * the runbook. An intent without a recorded outcome (the process stopped, or the answer was lost or timed out) is
 * never invoked again by Lambda itself: the step pauses and a person chooses (Retry invokes again with the same
 * idempotency key). The invoke client makes one attempt (no SDK retries).
 */
export const lambdaExecutor: StepExecutor<LambdaStep> = {
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  describe(ctx) {
    return `Invoke Lambda function ${fnName(ctx) ?? `(none declared in the ${side(ctx)} Region)`} in ${regionOf(ctx)} synchronously with the execution's context`;
  },
  irreversible: () => false,
  region: regionOf,
  observe,
  calls(ctx): PlannedCall[] {
    return [
      {
        client: 'lambda',
        command: 'Invoke',
        region: regionOf(ctx),
        input: {
          FunctionName: fnName(ctx) ?? '<none>',
          InvocationType: 'RequestResponse',
          Payload: `{ lifeboat: { executionId, stepId: ${ctx.step.id}, service, direction: ${ctx.kind}, requestedBy, approvedBy, idempotencyKey, … }, input: ${JSON.stringify(ctx.step.input ?? {})} }`,
        },
        note: `waits for the answer at most ${Math.round(budgetMs(ctx) / 1000)} s; a FunctionError pauses the runbook`,
      },
    ];
  },
  async start(ctx): Promise<Facts> {
    const fn = fnName(ctx);
    if (fn === undefined) throw new Error(`${res(ctx).id} declares no function in the ${side(ctx)} Region`);
    const body = new TextEncoder().encode(await payload(ctx));
    if (body.byteLength > PAYLOAD_LIMIT_BYTES)
      throw new Error(`the event is ${body.byteLength} bytes, over Invoke's 6 MB payload quota`);
    const client = ctx.clients.forRegion(regionOf(ctx)).lambdaInvoke;
    try {
      const out = await ctx.aws.call(
        'lambda:InvokeFunction',
        (abortSignal) =>
          client.send(
            new (sdk.lambda().InvokeCommand)({
              FunctionName: fn,
              InvocationType: 'RequestResponse',
              Payload: body,
            }),
            { abortSignal },
          ),
        budgetMs(ctx),
      );
      return invocationFacts(out);
    } catch (error) {
      throw outcomeUnknown(error) ? new Error(`${errorText(error)}; ${unknownAdvice(ctx, fn)}`) : error;
    }
  },
};
