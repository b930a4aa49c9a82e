/** The simulated Lambda state (model: lambda.ts). */

/** What a sandbox function does when it runs: the sandbox's stand-in for its code, not AWS behaviour. */
export type LambdaBehaviour = 'ok' | 'error' | 'timeout';

export interface LambdaInvocation {
  readonly requestId: string;
  readonly at: number;
  /** The `lifeboat.idempotencyKey` of the event, when it had one. */
  readonly key?: string;
  readonly outcome: 'ok' | 'error' | 'timeout' | 'repeat';
}

export interface LambdaFunctionModel {
  name: string;
  region: string;
  arn: string;
  state: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  lastUpdateStatus: 'Successful' | 'Failed' | 'InProgress';
  /** Configured timeout, seconds (1..900). */
  timeoutS: number;
  /** How long a run takes, realistic ms. */
  runMs: number;
  behaviour: LambdaBehaviour;
  /** Reserved concurrency; 0 throttles every invocation (Lambda: reserved concurrency of zero). */
  reservedConcurrency?: number;
  /** Every invocation that ran the code (a repeated key answered from the function's store counts as `repeat`). */
  invocations: LambdaInvocation[];
  /** The function's own idempotency store: key → the answer it gave (the sandbox functions honour the key). */
  answers: Map<string, string>;
}

export interface LambdaState {
  functions: Map<string, LambdaFunctionModel>;
}

export const createLambdaState = (): LambdaState => ({ functions: new Map() });
