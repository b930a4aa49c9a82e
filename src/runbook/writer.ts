import { ConflictError } from '../adapters/store/versioned.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import { changeLines } from './change-log.js';
import type { RunbookDeps } from './types.js';
import { type Execution, RunbookError } from './types.js';

/** What is written: never the version (the store sets it) and never an expiry (a driven execution must not vanish). */
export function dataOf(execution: Execution | ExecutionRecord): ExecutionRecord {
  const { version: _v, expiresAtMs: _e, ...rest } = execution as Execution;
  return rest;
}

/** The execution changed under us (another replica drives it, or someone decided): stop driving. */
export class LostControlError extends Error {
  readonly code = 'lost_control';
  constructor(readonly current: Execution | undefined) {
    super('the execution was changed by someone else');
    this.name = 'LostControlError';
  }
}

/**
 * Serialises the transitions of one execution (parallel steps share it): each is a conditional write
 * from the version we last wrote. onChange runs after each, in order, without holding the runbook up.
 */
export interface ExecutionWriter {
  readonly current: Execution;
  update(change: (e: ExecutionRecord) => ExecutionRecord): Promise<Execution>;
  /** Waits for the onChange calls queued so far. */
  flush(): Promise<void>;
}

export function createWriter(
  deps: Pick<RunbookDeps, 'stores' | 'onChange' | 'clock'> & { logger: Logger },
  initial: Execution,
): ExecutionWriter {
  let current = initial;
  // Every line about this execution carries its id, service and kind (docs/operations.md's queries).
  const log = deps.logger.child({ executionId: initial.id, service: initial.service, kind: initial.kind });
  let queue: Promise<unknown> = Promise.resolve();
  let notices: Promise<void> = Promise.resolve();
  const notify = (e: Execution) => {
    notices = notices.then(() =>
      deps.onChange(e).catch((error: unknown) => log.warn({ err: error }, 'onChange failed')),
    );
  };
  return {
    get current() {
      return current;
    },
    update(change) {
      const run = queue.then(async () => {
        const next = { ...change(dataOf(current)), updatedAtMs: deps.clock.now() };
        const before = current;
        try {
          current = await deps.stores.executions.transition(current.id, current.version, next);
        } catch (error) {
          if (error instanceof ConflictError)
            throw new LostControlError(error.current as Execution | undefined);
          throw error;
        }
        for (const line of changeLines(before, current)) log.info(line.fields, line.msg);
        notify(current);
        return current;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    flush: () => notices,
  };
}

export async function load(deps: Pick<RunbookDeps, 'stores'>, id: string): Promise<Execution> {
  const found = await deps.stores.executions.get(id);
  if (!found) throw new RunbookError('not_found', `no execution ${id}`);
  return found;
}
