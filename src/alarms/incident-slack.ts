import {
  acknowledgedLine,
  incidentCard,
  resolvedLine,
  transitionLine,
} from '../../blocks/alarms/incident.js';
import { mergeMoves, moveOf, outcomeText, sameMoves } from '../../blocks/alarms/outcome.js';
import { escapeText } from '../../blocks/escape.js';
import { offersFailover } from '../../blocks/readiness/operating.js';
import { serviceCardText } from '../../blocks/readiness/summary.js';
import type { SlackOutbox } from '../adapters/slack/outbox.js';
import { realTimer, type Timer } from '../adapters/slack/timer.js';
import { ConflictError, type Versioned, type VersionedStore } from '../adapters/store/versioned.js';
import type { Clock } from '../domain/clock.js';
import type { IncidentRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ServiceReadiness } from '../readiness/engine.js';
import type { ReadinessService } from '../readiness/service.js';
import type { Transition } from './incident-state.js';

/**
 * What Slack shows of an incident: one parent message (the card), edited in place through the
 * outbound queue, and a thread of state changes. Every effect follows a durable write. Exactly one
 * replica posts the parent: the one whose version-checked `parentClaim` write wins; it stores the
 * message ts in the record. Others keep their thread lines until the ts is known.
 */
export interface IncidentSlack {
  /** After a write that changed the incident: post the parent if needed, edit the card, add thread lines. */
  changed(incident: IncidentRecord & Versioned, transitions: readonly Transition[]): void;
  acknowledged(incident: IncidentRecord & Versioned, userId: string): void;
  /** The service's picture changed (its operating state, a step): measure readiness again and edit the card. */
  refresh(incident: IncidentRecord): void;
  idle(): Promise<void>;
}

export interface IncidentSlackDeps {
  readonly outbox: SlackOutbox;
  readonly incidents: VersionedStore<IncidentRecord>;
  readonly getPlan: () => Plan;
  readonly readiness?: ReadinessService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly instanceId: string;
  /** How long a parent claim holds before another replica may post instead (default 60 s). */
  readonly parentClaimMs?: number;
  /** Least time between the starts of two card measurements of one service (default 5 s). */
  readonly remeasureGapMs?: number;
  readonly timer?: Timer;
}

/** Store failures (not conflicts) tolerated, with backoff, while storing a posted card's ts. */
const STORE_RETRIES = 6;

export function createIncidentSlack(deps: IncidentSlackDeps): IncidentSlack {
  const log = deps.logger.child({ component: 'incident-slack' });
  const claimMs = deps.parentClaimMs ?? 60_000;
  const remeasureGapMs = deps.remeasureGapMs ?? 5_000;
  const timer = deps.timer ?? realTimer;
  const never = new AbortController().signal;
  const work = new Set<Promise<unknown>>();
  const posting = new Map<string, Promise<string | undefined>>();
  const waitingLines = new Map<string, string[]>();
  /** The latest readiness outcome per incident: a result, or why it could not be measured. Kept past the cache's life. */
  const measured = new Map<string, ServiceReadiness | { readonly failed: string }>();
  const asking = new Set<string>();

  const track = (p: Promise<unknown>) => {
    const settled = p.catch((error: unknown) => log.error({ err: error }, 'incident Slack effect failed'));
    work.add(settled);
    void settled.finally(() => work.delete(settled));
  };

  const render = (incident: IncidentRecord) => {
    const service = incident.unrouted ? undefined : deps.getPlan().services[incident.service];
    let readiness: string | undefined;
    let operating: ServiceReadiness['operating'];
    if (service && deps.readiness) {
      // Never "checking" once a measurement ended: the result, or "could not measure" with the reason.
      const latest = deps.readiness.peek(incident.service) ?? measured.get(incident.id);
      if (latest && 'failed' in latest)
        readiness = `:white_circle: Could not measure readiness: ${escapeText(latest.failed)}. \`/dr status\` retries.`;
      else if (latest) {
        readiness = serviceCardText(latest);
        operating = latest.operating;
      } else readiness = 'checking';
    }
    // Every failover or failback since the incident opened: recorded ones (a resolved card keeps them) and the current one.
    const outcome = outcomeText(mergeMoves(incident.moves, moveOf(operating, incident.openedAtMs)));
    return incidentCard({
      incident,
      ...(service?.description ? { serviceDescription: service.description } : {}),
      ...(service?.runbookUrl ? { runbookUrl: service.runbookUrl } : {}),
      ...(readiness !== undefined ? { readiness } : {}),
      ...(outcome ? { outcome } : {}),
      offerFailover: offersFailover(operating),
    });
  };

  const refreshCard = (incident: IncidentRecord) => {
    const ts = incident.threadTs;
    if (!ts) return;
    track(
      deps.outbox.update(incident.channel, ts, async () => {
        const latest = await deps.incidents.get(incident.id);
        return latest ? render(latest) : undefined;
      }),
    );
  };

  const flushLines = (incident: IncidentRecord, ts: string) => {
    const lines = waitingLines.get(incident.id);
    if (!lines) return;
    waitingLines.delete(incident.id);
    for (const line of lines) track(deps.outbox.reply(incident.channel, ts, line));
  };

  /**
   * Cards this replica posted whose ts is not yet on the record. A store call that fails after the post (a
   * timeout under load; the write may even have applied) must never make the next change post a second card:
   * the ts is kept here and stored on a later attempt. Entries leave once the record holds a ts.
   */
  const postedTs = new Map<string, string>();

  /** Posts the parent if this replica wins the claim (or already posted it); resolves with the thread ts if known. */
  async function ensureParent(start: IncidentRecord & Versioned): Promise<string | undefined> {
    let incident = start;
    const already = postedTs.get(incident.id);
    if (already) return storeThreadTs(incident.id, already);
    for (let attempt = 0; attempt < 10; attempt++) {
      if (incident.threadTs) return incident.threadTs;
      const claim = incident.parentClaim;
      if (claim && claim.owner !== deps.instanceId && claim.untilMs > deps.clock.now()) {
        // Another replica is posting: look again once its claim would have expired.
        setTimeout(() => track(recheck(incident.id)), Math.min(claimMs, 5_000)).unref?.();
        return undefined;
      }
      try {
        incident = await deps.incidents.transition(incident.id, incident.version, {
          ...incident,
          parentClaim: { owner: deps.instanceId, untilMs: deps.clock.now() + claimMs },
        });
        break;
      } catch (error) {
        if (!(error instanceof ConflictError) || !error.current) throw error;
        incident = error.current as IncidentRecord & Versioned;
      }
    }
    const ts = await deps.outbox.post(incident.channel, render(incident));
    postedTs.set(incident.id, ts);
    return storeThreadTs(incident.id, ts);
  }

  /**
   * Stores the posted card's ts on the record: retries conflicts at once and failures with backoff; if the
   * store stays unavailable, keeps the ts in `postedTs` for the next change to store, and still answers it so
   * the thread lines go under the one card.
   */
  async function storeThreadTs(id: string, ts: string): Promise<string> {
    let failures = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const latest = await deps.incidents.get(id);
        if (!latest || latest.threadTs) {
          postedTs.delete(id);
          return latest?.threadTs ?? ts;
        }
        const { parentClaim: _claim, ...rest } = latest;
        await deps.incidents.transition(latest.id, latest.version, { ...rest, threadTs: ts });
        postedTs.delete(id);
        log.info({ incident: latest.id, channel: latest.channel, ts }, 'incident thread opened');
        return ts;
      } catch (error) {
        if (error instanceof ConflictError) continue;
        if (++failures > STORE_RETRIES) {
          log.warn(
            { err: error, incident: id, ts },
            'could not store the card ts yet; the next change stores it',
          );
          return ts;
        }
        await timer.sleep(Math.min(5_000, 100 * 2 ** failures), never);
      }
    }
    log.warn({ incident: id, ts }, 'could not store the card ts under contention; the next change stores it');
    return ts;
  }

  async function recheck(id: string): Promise<void> {
    const latest = await deps.incidents.get(id);
    if (latest) withParent(latest);
  }

  /** Runs `then` with the thread ts once the parent exists (posting it if this replica may). */
  function withParent(incident: IncidentRecord & Versioned, then?: (ts: string) => void) {
    if (incident.threadTs) {
      flushLines(incident, incident.threadTs);
      then?.(incident.threadTs);
      return;
    }
    let pending = posting.get(incident.id);
    if (!pending) {
      pending = ensureParent(incident).finally(() => posting.delete(incident.id));
      posting.set(incident.id, pending);
      track(
        pending.then(async (ts) => {
          if (!ts) return;
          const latest = await deps.incidents.get(incident.id);
          if (latest) {
            flushLines(latest, ts);
            refreshCard({ ...latest, threadTs: ts });
          }
        }),
      );
    }
    if (then) track(pending.then((ts) => ts && then(ts)));
  }

  /**
   * Card measurements per service: at most one in flight and one pending. An alarm change or a state change
   * while one runs marks it `again`; one more run follows, starting at least `remeasureGapMs` after the
   * previous one started, for every incident that asked meanwhile. A storm's hundreds of alarm changes then
   * cost a few measurements per service, not one each (each reads the operating state and the last move and
   * calls AWS), while `/dr status` still never reuses a measurement older than the latest alarm: the cache is
   * dropped at once on every change (`invalidate`), only the card's own run is coalesced.
   */
  const runs = new Map<string, { waiting: Set<string>; again: boolean; startedAt: number }>();
  const lastStart = new Map<string, number>();

  const runFor = (service: string, waiting: Set<string>) => {
    const readiness = deps.readiness;
    if (!readiness) return;
    const run = { waiting, again: false, startedAt: timer.now() };
    runs.set(service, run);
    track(
      (async () => {
        const gap = (lastStart.get(service) ?? Number.NEGATIVE_INFINITY) + remeasureGapMs - timer.now();
        if (gap > 0) await timer.sleep(gap, never);
        lastStart.set(service, timer.now());
        // Changes until now are covered by this run; later ones mark it `again`.
        run.again = false;
        const outcome = await readiness.check(service).then(
          (result): ServiceReadiness | { readonly failed: string } => result,
          (error: unknown) => {
            log.warn({ err: error, service }, 'readiness for the incident card failed');
            return { failed: error instanceof Error ? error.message : String(error) };
          },
        );
        runs.delete(service);
        if (run.again) runFor(service, new Set(run.waiting));
        for (const id of run.waiting) {
          if (!run.again) asking.delete(id);
          measured.set(id, outcome);
          const latest = await deps.incidents.get(id);
          if (!latest) continue;
          refreshCard(latest);
          if (!('failed' in outcome))
            await recordMove(latest, outcome).catch((error: unknown) =>
              log.warn({ err: error, incident: id }, 'could not record the move on the incident'),
            );
        }
      })(),
    );
  };

  /**
   * Measures readiness for the card: once when the incident opens, and again whenever the picture changed
   * (`again`: an alarm changed state, or the service's operating state moved), with the cache dropped first so
   * the card never keeps a measurement older than the latest alarm once the next run is done. The card then
   * shows the result, or "could not measure" with the reason.
   */
  const askReadiness = (incident: IncidentRecord, again: boolean) => {
    if (incident.unrouted || !deps.readiness) return;
    if (again) deps.readiness.invalidate(incident.service);
    asking.add(incident.id);
    const running = runs.get(incident.service);
    if (!running) return runFor(incident.service, new Set([incident.id]));
    running.waiting.add(incident.id);
    if (again) running.again = true;
  };

  /** Keeps the failover or failback the measurement shows on the record, so the card still tells it once resolved. */
  async function recordMove(incident: IncidentRecord & Versioned, read: ServiceReadiness) {
    const moves = mergeMoves(incident.moves, moveOf(read.operating, incident.openedAtMs));
    if (sameMoves(incident.moves, moves)) return;
    try {
      await deps.incidents.transition(incident.id, incident.version, { ...incident, moves });
    } catch (error) {
      // Another writer moved the record on: the next measurement records the move again.
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  return {
    changed(incident, transitions) {
      // The opening ALARM is what the card shows (callers pass no transition for it); the thread tells the rest.
      const lines = transitions.map(transitionLine);
      if (incident.state === 'resolved') lines.push(resolvedLine(incident.resolvedAtMs ?? deps.clock.now()));
      if (lines.length > 0)
        waitingLines.set(incident.id, [...(waitingLines.get(incident.id) ?? []), ...lines]);
      // A new incident or an alarm changing state: never show a measurement older than the latest alarm.
      const fresh = !measured.has(incident.id) && !asking.has(incident.id);
      askReadiness(incident, fresh || transitions.length > 0);
      withParent(incident);
      refreshCard(incident);
    },
    refresh(incident) {
      askReadiness(incident, true);
      refreshCard(incident);
    },
    acknowledged(incident, userId) {
      waitingLines.set(incident.id, [...(waitingLines.get(incident.id) ?? []), acknowledgedLine(userId)]);
      withParent(incident);
      refreshCard(incident);
    },
    async idle() {
      while (work.size > 0) await Promise.all([...work]);
    },
  };
}
