import { ConflictError, type Versioned } from '../adapters/store/versioned.js';
import type { DrillStores } from './store.js';
import type { Drill, DrillRecord, DrillStepRecord } from './types.js';

export function stripVersion(drill: Drill): DrillRecord {
  const { version: _v, expiresAtMs: _e, ...rest } = drill as Drill & Versioned;
  return rest;
}

/**
 * Read-modify-write by conditional write on the version; on a lost race re-reads and applies `change` again
 * (it is a pure function of the current record). `change` returns undefined to write nothing.
 */
export async function updateDrill(
  stores: Pick<DrillStores, 'drills'>,
  id: string,
  now: () => number,
  change: (current: DrillRecord) => DrillRecord | undefined,
): Promise<{ drill: Drill | undefined; changed: boolean }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await stores.drills.get(id);
    if (!current) return { drill: undefined, changed: false };
    const next = change(stripVersion(current));
    if (!next) return { drill: current, changed: false };
    try {
      const written = await stores.drills.transition(id, current.version, { ...next, updatedAtMs: now() });
      return { drill: written, changed: true };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new Error(`drill ${id} keeps changing under us`);
}

export const withStep = (drill: DrillRecord, step: DrillStepRecord): DrillRecord => ({
  ...drill,
  steps: { ...drill.steps, [step.id]: step },
});

export const stepsOf = (drill: DrillRecord): DrillStepRecord[] =>
  drill.order.map((id) => drill.steps[id]).filter((s): s is DrillStepRecord => s !== undefined);
