import { GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaChecker } from '../../src/kinds/lambda/checker.js';
import type { ResourceOf } from '../../src/plan/schema.js';
import type { NamedService } from '../../src/readiness/types.js';
import { type CloudEnv, cloudContext, simulatedCloud } from '../fidelity/helpers.js';
import { lambdaPlan } from './lambda-fixture.js';

const encode = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const decode = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b));
const shop = (): NamedService => {
  const s = lambdaPlan().services.shop;
  if (!s) throw new Error('no service');
  return { ...s, name: 'shop' };
};
const caches = () => shop().resources[0] as ResourceOf<'lambda-function'>;

/** The simulated Lambda through the real SDK v3 client, and the lambda-function checker on it. */
describe('simulated Lambda (Invoke, GetFunction) and lambda-function readiness', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  const start = async () => {
    env = await simulatedCloud({ plan: lambdaPlan(), timeScale: 1_000 });
    return env;
  };

  it('answers a synchronous invocation with StatusCode 200 and the payload; DryRun with 204', async () => {
    const e = await start();
    const out = await e.west.lambdaInvoke.send(
      new InvokeCommand({
        FunctionName: 'shop-warm-caches',
        Payload: encode({ lifeboat: { idempotencyKey: 'k1' } }),
      }),
    );
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(out.FunctionError).toBeUndefined();
    expect(decode(out.Payload)).toMatchObject({
      ok: true,
      function: 'shop-warm-caches',
      idempotencyKey: 'k1',
    });
    expect(out.Payload?.transformToString()).toContain('"ok":true');
    const dry = await e.west.lambda.send(
      new InvokeCommand({ FunctionName: 'shop-warm-caches', InvocationType: 'DryRun' }),
    );
    expect(dry.StatusCode).toBe(204);
  });

  it('a function error is FunctionError Unhandled with errorType and errorMessage in the payload', async () => {
    const e = await start();
    e.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { behaviour: 'error' });
    const out = await e.west.lambdaInvoke.send(
      new InvokeCommand({ FunctionName: 'shop-warm-caches', Payload: encode({}) }),
    );
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(decode(out.Payload)).toMatchObject({ errorType: 'Error', errorMessage: expect.any(String) });
  });

  it('a run past the configured timeout answers "Task timed out after N.00 seconds"', async () => {
    const e = await start();
    e.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { timeoutS: 3, runMs: 10_000 });
    const out = await e.west.lambdaInvoke.send(new InvokeCommand({ FunctionName: 'shop-warm-caches' }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 3\.00 seconds$/),
    });
  });

  it('refuses what Invoke documents: unknown function, payload over 6 MB, not Active, throttled, Region down', async () => {
    const e = await start();
    const invoke = (name: string, payload?: Uint8Array) =>
      e.west.lambdaInvoke.send(
        new InvokeCommand({ FunctionName: name, ...(payload ? { Payload: payload } : {}) }),
      );
    await expect(invoke('nope')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      invoke('shop-warm-caches', encode({ big: 'x'.repeat(6 * 1024 * 1024) })),
    ).rejects.toMatchObject({
      name: 'RequestTooLargeException',
    });
    e.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { state: 'Pending' });
    await expect(invoke('shop-warm-caches')).rejects.toMatchObject({ name: 'ResourceConflictException' });
    e.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', {
      state: 'Active',
      reservedConcurrency: 0,
    });
    await expect(invoke('shop-warm-caches')).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    e.cloud.faults.regionOutage('us-west-2');
    await expect(
      e.west.lambda.send(new GetFunctionCommand({ FunctionName: 'shop-warm-caches' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
  });

  it('readiness: both functions Active and invocable; Pending is not ready, Inactive degraded, the primary’s capped at degraded', async () => {
    const e = await start();
    const check = () => createLambdaChecker(e.aws).check(caches(), shop(), cloudContext(e));
    expect((await check()).map((c) => [c.name, c.verdict])).toEqual([
      ['recovery function', 'ready'],
      ['recovery invoke permission', 'ready'],
      ['primary function', 'ready'],
      ['primary invoke permission', 'ready'],
    ]);
    e.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { state: 'Pending' });
    e.cloud.scenarios.lambdaFunction('us-east-1', 'shop-cleanup', {
      state: 'Failed',
      lastUpdateStatus: 'Failed',
    });
    expect((await check()).map((c) => [c.name, c.verdict])).toEqual([
      ['recovery function', 'not_ready'],
      ['primary function', 'degraded'],
    ]);
    e.cloud.scenarios.lambdaFunction('us-west-2', 'shop-warm-caches', { state: 'Inactive' });
    expect((await check())[0]).toMatchObject({
      verdict: 'degraded',
      reason: expect.stringContaining('the first invocation fails'),
    });
  });
});
