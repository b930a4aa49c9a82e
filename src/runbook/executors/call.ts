import { AwsCallError } from '../../readiness/aws/call.js';
import { withTimeout } from '../../readiness/errors.js';
import type { AwsCaller } from './types.js';

/** Operations a dry run may make: they read and never change anything. */
export const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List|Head)[A-Za-z0-9]*$/;

export class MutationRefusedError extends Error {
  readonly code = 'mutation_refused';
  constructor(readonly action: string) {
    super(`a dry run may only read; refused ${action}`);
    this.name = 'MutationRefusedError';
  }
}

/** Every executor call goes through here: a per-call time budget, and a read-only guard for dry runs. */
export function createCaller(options: { timeoutMs: number; readOnly: boolean }): AwsCaller {
  return {
    async call(action, fn, timeoutMs) {
      if (options.readOnly && !READ_ONLY.test(action)) throw new MutationRefusedError(action);
      try {
        return await withTimeout(fn, timeoutMs ?? options.timeoutMs);
      } catch (error) {
        throw error instanceof AwsCallError ? error : new AwsCallError(action, error);
      }
    },
  };
}

/** The error as one line for a person: `rds:SwitchoverGlobalCluster: InvalidGlobalClusterStateFault: …`. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
