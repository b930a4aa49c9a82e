import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import type { StepRecord } from '../../src/domain/records.js';
import { lambdaStep } from './lambda-fixture.js';

expect.extend(allCustomMatcherWithAliases);

const lambda = mockClient(LambdaClient);
beforeEach(() => lambda.reset());

const active = {
  Configuration: {
    FunctionName: 'shop-warm-caches',
    State: 'Active' as const,
    LastUpdateStatus: 'Successful' as const,
    Timeout: 30,
  },
};
const payload = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const aws = () => createAwsClients({ maxAttempts: 1 });
const people = { requestedBy: 'U0ALICE', approvedBy: ['U0BOB'] };

/** The record driveStep leaves after the intent and the call's return (facts merged). */
const called = (facts: Record<string, string | number | boolean | null>): StepRecord => ({
  state: 'intent',
  attempts: 1,
  startedAtMs: 999_000,
  calledAtMs: 999_500,
  observed: facts,
});

describe('lambda-invoke executor (SDK mocked)', () => {
  it('invokes the recovery function once, synchronously, with the execution context and idempotency key', async () => {
    lambda.on(GetFunctionCommand).resolves(active);
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload({ warmed: 500 }) as never });
    const { ctx, executor } = lambdaStep(aws(), { people, record: () => ({ state: 'intent', attempts: 1 }) });
    const { ctx: fresh } = lambdaStep(aws(), { people });

    const observed = await executor.observe(fresh);
    const facts = await executor.start(ctx, observed);

    expect(observed).toMatchObject({
      state: 'not-started',
      facts: { functionName: 'shop-warm-caches', functionRegion: 'us-west-2' },
    });
    expect(lambda).toReceiveCommandTimes(InvokeCommand, 1);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'shop-warm-caches', InvocationType: 'RequestResponse' });
    const event = JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array));
    expect(event).toEqual({
      lifeboat: {
        executionId: 'exec-1',
        stepId: 'warm',
        attempt: 1,
        service: 'shop',
        direction: 'failover',
        mode: 'planned',
        sourceRegion: 'us-east-1',
        targetRegion: 'us-west-2',
        functionRegion: 'us-west-2',
        requestedBy: 'U0ALICE',
        approvedBy: ['U0BOB'],
        idempotencyKey: 'lifeboat:exec-1:warm',
      },
      input: { tier: 'gold', keys: 500 },
    });
    expect(facts).toMatchObject({ statusCode: 200, functionError: null, excerpt: '{"warmed":500}' });
    // The invoke client is the one-attempt client: the region's clients are memoised, so this is it.
    expect(ctx.clients.forRegion('us-west-2').lambdaInvoke.config.maxAttempts).toBeDefined();
    expect(await ctx.clients.forRegion('us-west-2').lambdaInvoke.config.maxAttempts()).toBe(1);
  });

  it('is done with the answer recorded, and the card line names status and payload', async () => {
    const { ctx, executor } = lambdaStep(aws(), {
      record: () => called({ statusCode: 200, functionError: null, excerpt: '{"warmed":500}' }),
    });
    const done = await executor.observe(ctx);
    expect(done).toMatchObject({
      state: 'done',
      facts: { result: 'shop-warm-caches in us-west-2 answered 200; payload: {"warmed":500}' },
    });
    expect(lambda).toReceiveCommandTimes(GetFunctionCommand, 0);
  });

  it('fails (pauses the runbook) on a FunctionError, with the error type and message from the payload', async () => {
    lambda.on(GetFunctionCommand).resolves(active);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'Sandbox.Timedout',
        errorMessage: 'RequestId: r-1 Error: Task timed out after 30.00 seconds',
      }) as never,
    });
    const { ctx, executor } = lambdaStep(aws());
    const facts = await executor.start(ctx, await executor.observe(ctx));
    const { ctx: after } = lambdaStep(aws(), { record: () => called({ ...facts }) });

    const paused = await executor.observe(after);

    expect(facts).toMatchObject({ functionError: 'Unhandled', errorType: 'Sandbox.Timedout' });
    expect(paused.state).toBe('failed');
    expect(paused.summary).toContain(
      'answered 200 with FunctionError Unhandled (Sandbox.Timedout: RequestId: r-1 Error: Task timed out after 30.00 seconds)',
    );
  });

  it('never invokes again an intent whose outcome was not recorded (a restart after the call): it pauses', async () => {
    lambda.on(GetFunctionCommand).resolves(active);
    const { ctx, executor } = lambdaStep(aws(), {
      record: () => ({ state: 'intent', attempts: 1, startedAtMs: 999_000 }),
    });

    const observed = await executor.observe(ctx);

    expect(observed.state).toBe('failed');
    expect(observed.summary).toContain('no recorded outcome');
    expect(observed.summary).toContain('lifeboat:exec-1:warm');
    expect(lambda).toReceiveCommandTimes(InvokeCommand, 0);
  });

  it('a retried step (pending again after a failed attempt) observes afresh: the person chose to invoke again', async () => {
    lambda.on(GetFunctionCommand).resolves(active);
    const { ctx, executor } = lambdaStep(aws(), {
      record: () => ({
        state: 'pending',
        attempts: 1,
        calledAtMs: 999_500,
        observed: { statusCode: 200, functionError: 'Unhandled' },
      }),
    });
    expect(await executor.observe(ctx)).toMatchObject({ state: 'not-started' });
  });

  it('waits while the function is Pending or updating, and fails when it is missing or Failed', async () => {
    const { ctx, executor } = lambdaStep(aws());
    lambda
      .on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Pending', LastUpdateStatus: 'InProgress' } })
      .resolvesOnce({ Configuration: { State: 'Failed', LastUpdateStatus: 'Failed' } })
      .rejectsOnce(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
    expect(await executor.observe(ctx)).toMatchObject({ state: 'blocked' });
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('cannot be invoked'),
    });
    expect(await executor.observe(ctx)).toMatchObject({
      state: 'failed',
      summary: 'function shop-warm-caches not found in us-west-2',
    });
  });

  it('a call without an answer in the step budget throws with what to check (the outcome is unknown)', async () => {
    lambda.on(GetFunctionCommand).resolves(active);
    lambda.on(InvokeCommand).callsFake(
      (_input, getClient) =>
        new Promise((_resolve, reject) => {
          void getClient;
          setTimeout(() => reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })), 5);
        }),
    );
    const { ctx, executor } = lambdaStep(aws());
    await expect(executor.start(ctx, await executor.observe(ctx))).rejects.toThrow(
      /TimeoutError.*may have run or still be running: check its logs for idempotency key lifeboat:exec-1:warm/,
    );
  });

  it('waits for the answer as long as the step allows, not the runner’s per-call budget', async () => {
    lambda
      .on(InvokeCommand)
      .callsFake(
        () =>
          new Promise((resolve) =>
            setTimeout(() => resolve({ StatusCode: 200, Payload: payload({ ok: true }) }), 60),
          ),
      );
    // A per-call budget of 10 ms: a Describe would time out; the invocation has the step's 2 minutes.
    const { ctx, executor } = lambdaStep(aws(), { callTimeoutMs: 10 });
    expect(await executor.start(ctx, { state: 'not-started', summary: '' })).toMatchObject({
      statusCode: 200,
    });
  });

  it('a refusal by Lambda (function missing) is reported as it is, not as an unknown outcome', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }),
      );
    const { ctx, executor } = lambdaStep(aws());
    const error = await executor.start(ctx, { state: 'not-started', summary: '' }).catch((e: unknown) => e);
    expect(String(error)).toContain('ResourceNotFoundException');
    expect(String(error)).not.toContain('may have run');
  });

  it('failback invokes the primary Region’s clean-up function, and says so in the dry run', async () => {
    lambda
      .on(GetFunctionCommand)
      .resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful', Timeout: 10 } });
    const { ctx, executor } = lambdaStep(aws(), { kind: 'failback', readOnly: true });

    const observed = await executor.observe(ctx);
    const calls = executor.calls(ctx, observed);

    expect(executor.region?.(ctx)).toBe('us-east-1');
    expect(calls).toEqual([
      expect.objectContaining({
        client: 'lambda',
        command: 'Invoke',
        region: 'us-east-1',
        input: expect.objectContaining({ FunctionName: 'shop-cleanup', InvocationType: 'RequestResponse' }),
      }),
    ]);
    expect(executor.describe(ctx)).toBe(
      "Invoke Lambda function shop-cleanup in us-east-1 synchronously with the execution's context",
    );
    // A dry run's caller refuses the mutating call.
    await expect(executor.start(ctx, observed)).rejects.toMatchObject({ code: 'mutation_refused' });
    expect(lambda).toReceiveCommandTimes(InvokeCommand, 0);
  });
});
