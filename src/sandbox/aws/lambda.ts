import { randomUUID } from 'node:crypto';
import type {
  GetFunctionCommandInput,
  GetFunctionCommandOutput,
  InvokeCommandInput,
  InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import type { ResourceOf, Service } from '../../plan/schema.js';
import { awsError } from './errors.js';
import type { LambdaFunctionModel } from './lambda-state.js';
import type { Registry } from './registry.js';
import { emitChange, rkey, type World } from './world.js';

/**
 * AWS Lambda (FIDELITY.md, "AWS Lambda"): functions with a state, GetFunction, and Invoke (RequestResponse and
 * DryRun): the status code, FunctionError "Unhandled" with the error in the payload, the configured timeout
 * ("Task timed out after N seconds"), the 6 MB payload quota, and the errors Invoke documents.
 */

/** Invoke's synchronous payload quota, request and response (Lambda quotas): 6 MB. */
export const PAYLOAD_QUOTA = 6 * 1024 * 1024;

const encode = (s: string) => new TextEncoder().encode(s);
/** An answer's payload as the SDK's deserializer gives it: bytes that can also turn themselves into a string. */
const blob = (s: string) => {
  const bytes = encode(s);
  return Object.assign(bytes, {
    transformToString: (encoding?: string) =>
      encoding === 'base64' ? Buffer.from(bytes).toString('base64') : new TextDecoder().decode(bytes),
  });
};

/** The function a name, partial ARN or ARN refers to in the client's Region (FunctionName accepts all three). */
function find(w: World, region: string, ref: string | undefined): LambdaFunctionModel {
  const name = (ref ?? '').split(':function:').at(-1)?.split(':')[0] ?? '';
  const fn = w.lambda.functions.get(rkey(region, name));
  if (!fn)
    throw awsError(
      'lambda',
      'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${region}:${w.account}:function:${name}`,
      404,
    );
  return fn;
}

/** Invoke refuses a function that is not Active (function states: "Functions can only be successfully invoked while active"). */
function refuseNotActive(w: World, fn: LambdaFunctionModel): void {
  if (fn.state === 'Active') return;
  if (fn.state === 'Inactive') {
    // The failed invocation sets it Pending while Lambda recreates its resources (function states).
    fn.state = 'Pending';
    w.scheduler.at(w.time.now() + w.time.toClock(60_000), () => {
      if (fn.state === 'Pending') fn.state = 'Active';
    });
    throw awsError(
      'lambda',
      'ResourceNotReadyException',
      'The function is inactive and its VPC connection is no longer available. Wait for the VPC connection to reestablish and try the request again.',
      502,
    );
  }
  throw awsError(
    'lambda',
    'ResourceConflictException',
    `The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`,
    409,
  );
}

function bodyText(payload: InvokeCommandInput['Payload']): string {
  if (payload === undefined) return '';
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return new TextDecoder().decode(payload);
  throw awsError('lambda', 'InvalidRequestContentException', 'Could not parse request body into json', 400);
}

/** The idempotency key Lifeboat puts in its events, if any (the sandbox functions honour it). */
function keyOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !('lifeboat' in event)) return undefined;
  const l = (event as { lifeboat: unknown }).lifeboat;
  if (typeof l !== 'object' || l === null || !('idempotencyKey' in l)) return undefined;
  const k = (l as { idempotencyKey: unknown }).idempotencyKey;
  return typeof k === 'string' ? k : undefined;
}

async function invoke(
  w: World,
  region: string,
  input: InvokeCommandInput,
): Promise<Omit<InvokeCommandOutput, '$metadata'>> {
  const fn = find(w, region, input.FunctionName);
  const type = input.InvocationType ?? 'RequestResponse';
  const text = bodyText(input.Payload);
  if (encode(text).byteLength > PAYLOAD_QUOTA)
    throw awsError(
      'lambda',
      'RequestTooLargeException',
      `Request must be smaller than ${PAYLOAD_QUOTA} bytes for the InvokeFunction operation`,
      413,
    );
  let event: unknown = {};
  if (text !== '')
    try {
      event = JSON.parse(text);
    } catch {
      throw awsError(
        'lambda',
        'InvalidRequestContentException',
        'Could not parse request body into json: Unexpected character',
        400,
      );
    }
  refuseNotActive(w, fn);
  if (type === 'DryRun') return { StatusCode: 204 };
  if (type !== 'RequestResponse')
    // Stricter than AWS: Event (asynchronous, 202) is not modelled; Lifeboat only invokes synchronously.
    throw awsError(
      'lambda',
      'InvalidParameterValueException',
      `The sandbox models RequestResponse and DryRun, not ${type}`,
      400,
    );
  if (fn.reservedConcurrency === 0)
    throw awsError('lambda', 'TooManyRequestsException', 'Rate Exceeded.', 429);
  const requestId = randomUUID();
  const key = keyOf(event);
  const previous = key === undefined ? undefined : fn.answers.get(key);
  if (previous !== undefined) {
    fn.invocations.push({ requestId, at: w.time.now(), key, outcome: 'repeat' });
    emitChange(w, 'lambda-function', fn.name, { region, invocation: 'repeat' });
    return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: blob(previous) };
  }
  const faulted = w.faults.functionErrors;
  const resourceId = w.aliases.get(fn.name);
  const behaviour =
    faulted?.has(fn.name) || (resourceId !== undefined && faulted?.has(resourceId)) ? 'error' : fn.behaviour;
  const timedOut = behaviour === 'timeout' || fn.runMs > fn.timeoutS * 1000;
  await w.time.wait(timedOut ? fn.timeoutS * 1000 : fn.runMs);
  const record = (outcome: 'ok' | 'error' | 'timeout') => {
    fn.invocations.push({ requestId, at: w.time.now(), ...(key ? { key } : {}), outcome });
    emitChange(w, 'lambda-function', fn.name, { region, invocation: outcome });
  };
  if (timedOut) {
    record('timeout');
    return {
      StatusCode: 200,
      FunctionError: 'Unhandled',
      ExecutedVersion: '$LATEST',
      Payload: blob(
        JSON.stringify({
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutS.toFixed(2)} seconds`,
        }),
      ),
    };
  }
  if (behaviour === 'error') {
    record('error');
    return {
      StatusCode: 200,
      FunctionError: 'Unhandled',
      ExecutedVersion: '$LATEST',
      Payload: blob(
        JSON.stringify({
          errorType: 'Error',
          errorMessage: `${fn.name}: downstream dependency refused the request (sandbox fault)`,
          trace: [
            `Error: ${fn.name}: downstream dependency refused the request`,
            '    at handler (index.mjs:12:11)',
          ],
        }),
      ),
    };
  }
  record('ok');
  const answer = JSON.stringify({
    ok: true,
    function: fn.name,
    region,
    ...(key ? { idempotencyKey: key } : {}),
  });
  if (key) fn.answers.set(key, answer);
  return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: blob(answer) };
}

export function registerLambda(registry: Registry): void {
  registry
    .on<GetFunctionCommandInput, GetFunctionCommandOutput>(
      'lambda:GetFunction',
      (input, { world, region }) => {
        const fn = find(world, region, input.FunctionName);
        return {
          Configuration: {
            FunctionName: fn.name,
            FunctionArn: fn.arn,
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Timeout: fn.timeoutS,
            MemorySize: 256,
            Version: '$LATEST',
            State: fn.state,
            LastUpdateStatus: fn.lastUpdateStatus,
            ...(fn.lastUpdateStatus === 'Failed'
              ? {
                  LastUpdateStatusReason: 'The sandbox marked the last update failed',
                  LastUpdateStatusReasonCode: 'InternalError',
                }
              : {}),
          },
          Code: {
            RepositoryType: 'S3',
            Location: `https://awslambda-${region}-tasks.s3.${region}.amazonaws.com/snapshots/${world.account}/${fn.name}`,
          },
        };
      },
    )
    .on<InvokeCommandInput, InvokeCommandOutput>('lambda:Invoke', (input, { world, region }) =>
      invoke(world, region, input),
    );
}

/**
 * A lambda-function resource: each declared function exists, Active, in its Region (timeout 30 s, a run takes
 * 2 s), and does its work once per idempotency key.
 */
export function seedLambda(w: World, svc: Service, r: ResourceOf<'lambda-function'>): void {
  const sides = [
    { region: svc.recoveryRegion, name: r.recoveryFunction },
    { region: svc.primaryRegion, name: r.primaryFunction },
  ];
  for (const { region, name } of sides) {
    if (!name) continue;
    w.lambda.functions.set(rkey(region, name), {
      name,
      region,
      arn: `arn:aws:lambda:${region}:${w.account}:function:${name}`,
      state: 'Active',
      lastUpdateStatus: 'Successful',
      timeoutS: 30,
      runMs: 2_000,
      behaviour: 'ok',
      invocations: [],
      answers: new Map(),
    });
  }
}
