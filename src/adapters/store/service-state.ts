import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/clock.js';
import { type OperatingState, PHASES, type ServiceStateRecord } from '../../state/types.js';
import { ConflictError, createVersionedStore } from './versioned.js';

/**
 * The operating state of each service: one item `SERVICESTATE#<service>` / `STATE`, version-checked single-item
 * writes (`versioned.ts`), so replicas reporting the same execution never overwrite each other's newer write.
 */
export interface ServiceStateStore {
  /** The state on record, or why there is none (missing item, unreadable item, read failed). */
  read(service: string): Promise<OperatingState>;
  /**
   * Applies `next` to the current item (undefined when there is none) and writes the result at the next
   * version; `next` returning undefined writes nothing. Retries a lost race a few times with the newer item.
   * Returns the written state, or undefined when nothing was written.
   */
  update(
    service: string,
    next: (current: ServiceStateRecord | undefined) => ServiceStateRecord | undefined,
  ): Promise<{ readonly before?: ServiceStateRecord; readonly after: ServiceStateRecord } | undefined>;
}

const ATTEMPTS = 5;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Why a stored item cannot be used, or undefined when it is well formed. */
export function unreadable(item: Record<string, unknown>): string | undefined {
  if (typeof item.service !== 'string') return 'it has no service name';
  if (!(PHASES as readonly unknown[]).includes(item.phase))
    return `its phase ${String(item.phase)} is not one Lifeboat knows`;
  if (typeof item.primaryRegion !== 'string' || typeof item.recoveryRegion !== 'string')
    return 'it names no Regions';
  if (typeof item.sinceMs !== 'number') return 'it has no time';
  if (!isRecord(item.resources)) return 'it has no resource places';
  return undefined;
}

export function createServiceStateStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): ServiceStateStore {
  const items = createVersionedStore<ServiceStateRecord>(
    client,
    tableName,
    { pk: (service) => `SERVICESTATE#${service}`, sk: 'STATE' },
    clock,
  );
  const strip = (s: ServiceStateRecord & { version?: number }): ServiceStateRecord => {
    const { version: _v, ...rest } = s;
    return rest;
  };
  return {
    async read(service) {
      try {
        const item = await items.get(service);
        if (!item) return { known: false, reason: `no operating state is on record for ${service}` };
        const why = unreadable(item as unknown as Record<string, unknown>);
        if (why) return { known: false, reason: `the operating state of ${service} is unreadable: ${why}` };
        return { known: true, state: item };
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return { known: false, reason: `the operating state of ${service} could not be read (${text})` };
      }
    },
    async update(service, next) {
      let current = await items.get(service);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const usable =
          current && !unreadable(current as unknown as Record<string, unknown>) ? strip(current) : undefined;
        const after = next(usable);
        if (!after) return undefined;
        try {
          if (current) await items.transition(service, current.version, after);
          else await items.create(service, after);
          return usable ? { before: usable, after } : { after };
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          current = error.current as typeof current;
        }
      }
      throw new Error(`the operating state of ${service} kept changing; gave up after ${ATTEMPTS} attempts`);
    },
  };
}
