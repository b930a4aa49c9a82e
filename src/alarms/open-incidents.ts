import { setTimeout as delay } from 'node:timers/promises';
import type { VersionedStore } from '../adapters/store/versioned.js';
import type { IncidentRecord } from '../domain/records.js';
import type { Plan } from '../plan/load.js';
import type { OpenPointer } from './pipeline-types.js';
import { UNROUTED } from './routing.js';

/** Where an incident's thread is: its parent message. */
export interface IncidentThread {
  readonly channel: string;
  readonly ts: string;
}

/**
 * Read-only views of the alarm module's open incidents for other features: the open incident of a
 * service (through its `ALARMOPEN#<service>` pointer), all open incidents (the digest), and the
 * parent message of a service's open incident (failover requests post in its thread).
 */
export interface OpenIncidents {
  get(service: string): Promise<IncidentRecord | undefined>;
  /** Open incidents of the plan's services and the unrouted one, oldest first. */
  list(): Promise<IncidentRecord[]>;
  /**
   * The open incident's parent message. An incident just opened may not have its parent yet (the
   * outbound queue posts it): this waits up to `threadWaitMs` for it, then answers undefined.
   */
  thread(service: string): Promise<IncidentThread | undefined>;
}

export interface OpenIncidentsDeps {
  readonly pointers: Pick<VersionedStore<OpenPointer>, 'get'>;
  readonly incidents: Pick<VersionedStore<IncidentRecord>, 'get'>;
  readonly getPlan: () => Plan;
  /** Longest wait for the parent message of an open incident (default 10 s). */
  readonly threadWaitMs?: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createOpenIncidents(deps: OpenIncidentsDeps): OpenIncidents {
  const waitMs = deps.threadWaitMs ?? 10_000;
  const pollMs = deps.pollMs ?? 250;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms).then(() => undefined));

  const get = async (key: string) => {
    const pointer = await deps.pointers.get(key);
    const incident = pointer ? await deps.incidents.get(pointer.incidentId) : undefined;
    return incident?.state === 'open' ? incident : undefined;
  };

  return {
    get,
    async list() {
      const keys = [...Object.keys(deps.getPlan().services), UNROUTED];
      const found = await Promise.all(keys.map(get));
      return found
        .filter((i): i is NonNullable<typeof i> => i !== undefined)
        .sort((a, b) => a.openedAtMs - b.openedAtMs);
    },
    async thread(service) {
      for (let waited = 0; ; waited += pollMs) {
        const incident = await get(service);
        if (!incident) return undefined;
        if (incident.threadTs) return { channel: incident.channel, ts: incident.threadTs };
        if (waited >= waitMs) return undefined;
        await sleep(pollMs);
      }
    },
  };
}
