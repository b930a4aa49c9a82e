import { randomBytes } from 'node:crypto';
import { realTimer, type Timer } from '../adapters/slack/timer.js';
import { ConflictError, type Versioned, type VersionedStore } from '../adapters/store/versioned.js';
import type { Clock } from '../domain/clock.js';
import type { IncidentRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { AlarmAudit } from './audit-writer.js';
import { parseAlarmMessage } from './cloudwatch.js';
import { incidentOpenedEvent, incidentResolvedEvent } from './incident-audit.js';
import type { IncidentSlack } from './incident-slack.js';
import { acknowledge, applyNotices, openIncident } from './incident-state.js';
import type { AckResult, IngestInput, IngestResult, OpenPointer } from './pipeline-types.js';
import { type AlarmRaised, raisedIn, tellRaised } from './raised.js';
import type { Receipt, ReceiptStore } from './receipts.js';
import { type Route, routeAlarm, UNROUTED } from './routing.js';
import { createStormRate } from './storm-rate.js';

export type { AckResult, IngestInput, IngestResult, OpenPointer } from './pipeline-types.js';

/**
 * Notification → receipt (durable, deduplicated) → per-service batch → incident record (conditional
 * write) → Slack. `ingest` returns once the receipt is written, which is when the caller may
 * acknowledge (HTTP 200, SQS delete). Receipts are then applied in batches, one service at a time
 * per replica; replicas meet at the record's version (and at the open-incident pointer, created
 * with attribute_not_exists), so two of them produce one incident. `recover` applies receipts that
 * a stopped replica left pending.
 */

export interface PipelineDeps {
  readonly getPlan: () => Plan;
  readonly receipts: ReceiptStore;
  readonly incidents: VersionedStore<IncidentRecord>;
  readonly pointers: VersionedStore<OpenPointer>;
  readonly slack: IncidentSlack;
  readonly audit: AlarmAudit;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly instanceId: string;
  /** Receipts applied per incident write (default 100). */
  readonly batchSize?: number;
  /**
   * Least time between the starts of two batches of one service (default 1 s): the first alarm
   * after a quiet spell is applied at once, a storm's gather into batches, so each notification
   * does not cost its own reads and writes of the incident (Slack shows changes more slowly anyway).
   */
  readonly batchGapMs?: number;
  /**
   * Notifications a second (this replica, all services) from which a storm is on (default 50). In a storm
   * the batches of one service start at least `stormGapMs` apart, and the first after a quiet spell also
   * waits that long after it arrived: a regional outage gives each of hundreds of services less than one
   * notification a second, which the rule above would apply one by one.
   */
  readonly stormRatePerSecond?: number;
  /** A storm's gap between batches of one service (default 3 s; Slack edits cards ~40 times a minute in all). */
  readonly stormGapMs?: number;
  /** Real time for that pacing (virtual in tests). */
  readonly timer?: Timer;
  /** Told when an incident opens. */
  readonly onIncidentOpened?: (incident: IncidentRecord, route: Route) => void;
  /** Told, after the write, whenever an alarm enters ALARM (e.g. `autoRequestFailover` requests). */
  readonly onAlarmRaised?: (raised: AlarmRaised) => void;
  /** Told, after the write, when an incident resolves (e.g. its automatic failover request goes stale). */
  readonly onIncidentResolved?: (incident: IncidentRecord) => void;
}

export interface Pipeline {
  ingest(input: IngestInput): Promise<IngestResult>;
  acknowledge(incidentId: string, userId: string): Promise<AckResult>;
  /** Applies receipts left pending before `before` by any replica (after a crash or stop). */
  recover(before: number): Promise<number>;
  /** Resolves when every queued receipt is applied. */
  idle(): Promise<void>;
  /** Stops taking batches; queued receipts stay pending in the store for `recover`. */
  halt(): void;
  readonly depth: number;
}

/** Services whose last pointer and incident this replica keeps (the plan's; a bound against a runaway plan). */
export const KNOWN_SERVICES = 1_000;

interface Known {
  readonly pointer: (OpenPointer & Versioned) | undefined;
  readonly incident: (IncidentRecord & Versioned) | undefined;
}

const incidentIdFor = (service: string, at: number) =>
  `${service === UNROUTED ? 'unrouted' : service}-${new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(3).toString('hex')}`;

export function createPipeline(deps: PipelineDeps): Pipeline {
  const log = deps.logger.child({ component: 'alarm-pipeline' });
  const batchSize = deps.batchSize ?? 100;
  const batchGapMs = deps.batchGapMs ?? 1_000;
  const timer = deps.timer ?? realTimer;
  const halting = new AbortController();
  const stormRate = deps.stormRatePerSecond ?? 50;
  const stormGapMs = deps.stormGapMs ?? 3_000;
  const rate = createStormRate(() => timer.now());
  const lastBatchAt = new Map<string, number>();
  /** When the oldest receipt now queued for a service arrived (a storm's batch waits `stormGapMs` from it). */
  const queuedSince = new Map<string, number>();
  /**
   * The pointer and incident of each service as this replica last read or wrote them. Every write is
   * conditional (incident and pointer on their version, creations on attribute_not_exists), so a stale entry
   * can only make a write fail, never succeed wrongly: a write that succeeds proves the entry was current,
   * and the next batch need not read either item again. A conflict replaces the entry with what the store
   * holds. An open incident's pointer cannot move (a pointer moves only past a resolved incident, and
   * resolving writes the incident), so an open incident proven current proves its pointer too.
   */
  const known = new Map<string, Known>();
  const remember = (key: string, entry: Known) => {
    known.delete(key);
    known.set(key, entry);
    // Oldest first in insertion order: drop the least recently used past the bound.
    if (known.size > KNOWN_SERVICES) known.delete(known.keys().next().value as string);
  };
  const queues = new Map<string, Receipt[]>();
  const running = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  let depth = 0;
  let halted = false;

  const hookFailed = (error: unknown, r: AlarmRaised) =>
    log.error({ err: error, alarm: r.alarm, incident: r.incident.id }, 'alarm-raised hook failed');
  const keyOf = (route: Route) => (route.kind === 'service' ? route.service : UNROUTED);
  const applied = (r: Receipt, outcome: Receipt['outcome'], incidentId?: string): Receipt => ({
    ...r,
    status: 'applied',
    outcome,
    ...(incidentId ? { incidentId } : {}),
  });

  async function readOpen(key: string): Promise<Known> {
    // Only an open incident: past a resolved one (or a pointer without its incident) another replica may
    // have moved the pointer, and notifications that find no open incident are applied without a write.
    const cached = known.get(key);
    if (cached?.incident?.state === 'open') return cached;
    const pointer = await deps.pointers.get(key);
    // A resolved incident no longer changes in what the applier reads of it (state, recent ids): while the
    // pointer is the one seen with it, the pointer read alone proves it is still the latest.
    const same = pointer && cached?.incident && cached.pointer?.version === pointer.version;
    const incident = !pointer
      ? undefined
      : same
        ? cached.incident
        : await deps.incidents.get(pointer.incidentId);
    remember(key, { pointer, incident });
    return { pointer, incident };
  }

  /** Applies receipts of one service in arrival order; loops on conflicts with other replicas. */
  async function applyBatch(key: string, batch: readonly Receipt[]): Promise<void> {
    let rest = batch;
    for (let attempt = 0; rest.length > 0; attempt++) {
      if (attempt > 100) throw new Error(`gave up applying ${rest.length} alarm(s) to ${key}: contention`);
      const { pointer, incident } = await readOpen(key);
      if (incident?.state !== 'open') {
        if (incident) {
          // Receipts the just-resolved incident already counted (a replica stopped before marking them).
          const seen = new Set(incident.recentMessageIds ?? []);
          const counted = rest.filter((r) => seen.has(r.id));
          if (counted.length > 0) {
            await deps.receipts.markApplied(counted.map((r) => applied(r, 'incident', incident.id)));
            rest = rest.filter((r) => !seen.has(r.id));
            if (rest.length === 0) return;
          }
        }
        const firstAlarm = rest.findIndex((r) => r.event.state === 'ALARM');
        const quiet = firstAlarm === -1 ? rest : rest.slice(0, firstAlarm);
        if (quiet.length > 0) await deps.receipts.markApplied(quiet.map((r) => applied(r, 'no-incident')));
        if (firstAlarm === -1) return;
        rest = rest.slice(firstAlarm);
        const first = rest[0] as Receipt;
        const channel = first.route.channel;
        if (!channel) throw new Error('an unrouted alarm without a channel reached the applier');
        // A pointer whose incident was never written (a crash between the two writes) is reused.
        const id = pointer && !incident ? pointer.incidentId : incidentIdFor(key, first.event.changedAtMs);
        try {
          let moved = pointer;
          if (!pointer) moved = await deps.pointers.create(key, { service: key, incidentId: id });
          else if (incident)
            moved = await deps.pointers.transition(key, pointer.version, { service: key, incidentId: id });
          const created = await deps.incidents.create(
            id,
            openIncident({
              id,
              service: key,
              channel,
              unrouted: first.route.kind === 'unrouted',
              first: { id: first.id, event: first.event },
            }),
          );
          remember(key, { pointer: moved, incident: created });
          await deps.receipts.markApplied([applied(first, 'incident', id)]);
          log.info({ incident: id, service: key, alarm: first.event.name }, 'incident opened');
          deps.audit.event(incidentOpenedEvent(created, first.event.name));
          deps.slack.changed(created, []);
          deps.onIncidentOpened?.(created, first.route);
          const opening = { incident: created, alarm: first.event.name, reason: first.event.reason };
          tellRaised(deps.onAlarmRaised, [{ ...opening, route: first.route }], hookFailed);
          rest = rest.slice(1);
        } catch (error) {
          known.delete(key);
          if (!(error instanceof ConflictError)) throw error;
          // Another replica opened it first: read again and join its incident.
        }
        continue;
      }
      const result = applyNotices(
        incident,
        rest.map((r) => ({ id: r.id, event: r.event })),
      );
      let written: IncidentRecord & Versioned;
      try {
        written = await deps.incidents.transition(incident.id, incident.version, result.next);
      } catch (error) {
        known.delete(key);
        if (!(error instanceof ConflictError)) throw error;
        // Another writer (a card's ts, an acknowledgement, a replica) moved it on: what it wrote is current.
        const current = error.current as (IncidentRecord & Versioned) | undefined;
        if (current?.state === 'open') remember(key, { pointer, incident: current });
        continue;
      }
      remember(key, { pointer, incident: written });
      const consumed = rest.slice(0, result.consumed);
      await deps.receipts.markApplied(consumed.map((r) => applied(r, 'incident', incident.id)));
      deps.slack.changed(written, result.transitions);
      tellRaised(deps.onAlarmRaised, raisedIn(written, result.transitions, consumed), hookFailed);
      if (result.resolved) {
        // The pointer keeps naming the resolved incident until the next one replaces it.
        log.info({ incident: incident.id, service: key }, 'incident resolved');
        deps.audit.event(incidentResolvedEvent(written, deps.clock.now()));
        deps.onIncidentResolved?.(written);
      }
      rest = rest.slice(result.consumed);
    }
  }

  function enqueue(receipt: Receipt): void {
    if (halted || queued.has(receipt.id)) return;
    queued.add(receipt.id);
    rate.add();
    const key = keyOf(receipt.route);
    const queue = queues.get(key) ?? [];
    if (queue.length === 0) queuedSince.set(key, timer.now());
    queue.push(receipt);
    queues.set(key, queue);
    depth++;
    if (!running.has(key)) running.set(key, drain(key));
  }

  async function drain(key: string): Promise<void> {
    try {
      for (;;) {
        const queue = queues.get(key);
        if (halted || !queue || queue.length === 0) return;
        const storm = rate.perSecond() >= stormRate;
        const last = lastBatchAt.get(key) ?? Number.NEGATIVE_INFINITY;
        // In a storm even the first batch after a quiet spell lingers, to gather the service's next ones.
        const from = storm ? Math.max(last, queuedSince.get(key) ?? last) : last;
        const gap = from + (storm ? stormGapMs : batchGapMs) - timer.now();
        if (gap > 0 && queue.length < batchSize) await timer.sleep(gap, halting.signal);
        if (halted) return;
        lastBatchAt.set(key, timer.now());
        const batch = queue.splice(0, batchSize);
        if (queue.length > 0) queuedSince.set(key, timer.now());
        else queuedSince.delete(key);
        try {
          await applyBatch(key, batch);
        } catch (error) {
          known.delete(key);
          // The receipts stay pending in the store; `recover` picks them up.
          log.error(
            { err: error, service: key, count: batch.length },
            'applying alarms failed; left pending',
          );
        } finally {
          depth -= batch.length;
          for (const r of batch) queued.delete(r.id);
        }
      }
    } finally {
      running.delete(key);
      if (!halted && (queues.get(key)?.length ?? 0) > 0) running.set(key, drain(key));
    }
  }

  const dropUnrouted = async (receipt: Receipt) => {
    log.warn(
      { alarm: receipt.event.name, messageId: receipt.id },
      'alarm matches no rule and the plan has no slack.unroutedChannel: recorded and audited, not posted',
    );
    await deps.receipts.markApplied([applied(receipt, 'unrouted-dropped')]);
  };

  return {
    async ingest(input) {
      const event = input.event ?? parseAlarmMessage(input.message);
      const route = input.route ?? routeAlarm(deps.getPlan(), event);
      const receipt: Receipt = {
        id: input.id,
        source: input.source,
        ...(input.topicArn ? { topicArn: input.topicArn } : {}),
        receivedAtMs: deps.clock.now(),
        owner: deps.instanceId,
        status: 'pending',
        route,
        event,
      };
      if (!(await deps.receipts.claim(receipt))) return { status: 'duplicate', id: input.id, route };
      const noChannel = route.kind === 'unrouted' && !route.channel;
      deps.audit.received({
        messageId: input.id,
        source: input.source,
        topicArn: input.topicArn ?? null,
        alarm: event.name,
        state: event.state,
        service: route.kind === 'service' ? route.service : null,
        subject: input.subject ?? null,
        message: input.event ? JSON.stringify(input.event) : input.message,
        ...(route.kind === 'unrouted' ? { unrouted: true } : {}),
        ...(noChannel ? { dropped: true } : {}),
      });
      if (noChannel) await dropUnrouted(receipt);
      else enqueue(receipt);
      return { status: 'recorded', id: input.id, route };
    },

    async acknowledge(incidentId, userId) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const incident = await deps.incidents.get(incidentId);
        if (!incident) return { status: 'not_found' };
        const next = acknowledge(incident, userId, deps.clock.now());
        if (!next) return { status: 'already', incident };
        try {
          const written = await deps.incidents.transition(incidentId, incident.version, next);
          // The applier's next write then starts from this version instead of losing a conflict to it.
          const entry = known.get(written.service);
          if (entry?.incident?.id === written.id) remember(written.service, { ...entry, incident: written });
          deps.slack.acknowledged(written, userId);
          return { status: 'acknowledged', incident: written };
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      }
      throw new Error(`could not acknowledge incident ${incidentId}: contention`);
    },

    async recover(before) {
      let found = 0;
      for await (const receipt of deps.receipts.pending(before)) {
        if (queued.has(receipt.id)) continue;
        found++;
        if (receipt.route.kind === 'unrouted' && !receipt.route.channel) await dropUnrouted(receipt);
        else enqueue(receipt);
      }
      if (found > 0) log.info({ found }, 'applying alarm receipts left pending');
      return found;
    },

    async idle() {
      while (running.size > 0) await Promise.all([...running.values()]);
    },
    halt() {
      halted = true;
      halting.abort();
      for (const queue of queues.values()) {
        depth -= queue.length;
        for (const r of queue) queued.delete(r.id);
        queue.length = 0;
      }
    },
    get depth() {
      return depth;
    },
  };
}
