import type { AuditEntry } from './types.js';

/**
 * A write-unit budget for one chain, i.e. one DynamoDB partition key. DynamoDB serves at most 1,000
 * write units a second per partition (1 unit per KB written, failed conditional writes included); the
 * benchmarks keep a 2x margin, so a chain is held at 400 a second over any sliding second: fixed windows
 * could put two windows' worth into one of DynamoDB's seconds. A writer that waits here lets its
 * callers' work pile up, which the alarm writer then writes as fewer, larger batch entries.
 */
export interface WriteBudget {
  /** Resolves once `units` more fit into the last second (at once when the second is empty). */
  take(units: number): Promise<void>;
}

export interface WriteBudgetOptions {
  readonly unitsPerSecond?: number;
  /** Real time, not the audit clock: the limit is DynamoDB's, per second of its time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const CHAIN_WRITE_UNITS_PER_SECOND = 400;
const WINDOW_MS = 1_000;

/** Write units of an item of `bytes` bytes, as DynamoDB counts them (1 per KB, rounded up, at least 1). */
export const writeUnitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/**
 * An append's write units, as budgeted: the entry as JSON plus 64 bytes for its item's keys. A v2 item
 * (dynamo-item.ts) is the entry's JSON text without `id`, plus `pk`, `sk` and the name `e`: up to ~50
 * bytes more than the JSON alone, so the JSON alone could fall one unit short at a KB boundary.
 */
export const entryWriteUnits = (entry: AuditEntry): number =>
  writeUnitsOf(Buffer.byteLength(JSON.stringify(entry), 'utf8') + 64);

/** Callers take units one at a time (a chain's appends are serial), so no two takes interleave. */
export function createWriteBudget(options: WriteBudgetOptions = {}): WriteBudget {
  const limit = options.unitsPerSecond ?? CHAIN_WRITE_UNITS_PER_SECOND;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const spent: { at: number; units: number }[] = [];
  let total = 0;
  return {
    async take(units) {
      for (;;) {
        const t = now();
        while (spent.length > 0 && (spent[0]?.at ?? t) <= t - WINDOW_MS) total -= spent.shift()?.units ?? 0;
        const oldest = spent[0];
        if (oldest === undefined || total + units <= limit) {
          spent.push({ at: t, units });
          total += units;
          return;
        }
        await sleep(Math.max(1, oldest.at + WINDOW_MS - t));
      }
    },
  };
}
