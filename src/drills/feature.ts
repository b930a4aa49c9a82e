import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebClient } from '@slack/web-api';
import { drillCard } from '../../blocks/drills/card.js';
import type { AwsClients } from '../adapters/aws/clients.js';
import { createEditMemo } from '../adapters/slack/edits.js';
import type { Stores } from '../adapters/store/index.js';
import type { ApproverDirectory } from '../approval/approvers.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import { type Timeline, wallTimeline } from '../domain/timeline.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import { createDrillDecisions, type DrillDecisions } from './decisions.js';
import { createDrillEngine, type DrillEngine } from './engine.js';
import { createMeasuredDurations, listDrillResources, type MeasuredDurations } from './measured.js';
import { updateDrill } from './record.js';
import { createDrillRequests, type DrillRequests } from './requests.js';
import { resultRecord } from './results.js';
import { createDrillStandings, type DrillStanding } from './standing.js';
import { createDrillStores, type DrillStores } from './store.js';
import type { Drill, DrillResource, DrillSettings } from './types.js';

export interface DrillFeatureDeps {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly stores: Pick<Stores, 'approvals' | 'leases'>;
  readonly approvers: ApproverDirectory;
  readonly aws: AwsClients;
  readonly audit: AuditLog;
  readonly client: WebClient;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  /** How drill figures are reckoned (default: wall clock; the sandbox: simulated AWS time, said on the card). */
  readonly timeline?: Timeline;
  readonly logger: Logger;
  readonly instanceId: string;
  /** Hands background work (driving a drill) to the process's in-flight tracker. */
  readonly track: (work: Promise<unknown>) => void;
  readonly pollIntervalMs?: number;
  readonly cleanupAfterMs?: number;
  readonly settings?: (service: string) => DrillSettings;
  /** Already built by the composition root (the readiness engine needs the durations first). */
  readonly drillStores?: DrillStores;
  readonly durations?: MeasuredDurations;
}

export interface DrillFeature {
  readonly stores: DrillStores;
  readonly requests: DrillRequests;
  readonly engine: DrillEngine;
  /** Keep running / Clean up now: authorised and audited before they take effect. */
  readonly decisions: DrillDecisions;
  /** The readiness estimate's StepDurations port (call `durations.refresh()` at start-up). */
  readonly durations: MeasuredDurations;
  /** Drill resources still running: the daily digest lists them. */
  listDrillResources(): Promise<DrillResource[]>;
  /** Posts the drill card in its channel and remembers the message, so changes edit it in place. */
  post(drill: Drill): Promise<void>;
  /** Drives the drill in the background (after approval, Keep or Clean up now). */
  driveLater(id: string): void;
  /** Edits the drill card to show the stored state (after approvals and Keep, which the engine does not report). */
  refresh(id: string): Promise<void>;
  /** Resumes drills a previous process left running, and cleans up those that are due. */
  sweep(): Promise<void>;
  /** The latest drill of a service and whether one passed within its drill interval (`/dr status`). */
  standing(service: string): Promise<DrillStanding>;
}

/** Drills wired for Slack: the card is posted once and edited on every persisted change. */
export function createDrillFeature(deps: DrillFeatureDeps): DrillFeature {
  const { logger } = deps;
  const stores = deps.drillStores ?? createDrillStores(deps.documents, deps.tableName, deps.clock);
  const durations = deps.durations ?? createMeasuredDurations(stores, deps.getPlan);
  const timeline = deps.timeline ?? wallTimeline;
  const edits = createEditMemo();
  const update = async (drill: Drill) => {
    const ts = drill.messageTs;
    if (!ts) return;
    const content = drillCard(drill, deps.clock.now(), timeline);
    if (edits.same(drill.channel, ts, content)) return;
    await deps.client.chat.update({ channel: drill.channel, ts, ...content });
    edits.sent(drill.channel, ts, content);
  };
  const engine = createDrillEngine({
    stores,
    leases: deps.stores.leases,
    aws: deps.aws,
    getPlan: deps.getPlan,
    clock: deps.clock,
    timeline,
    audit: deps.audit,
    logger,
    instanceId: deps.instanceId,
    ...(deps.pollIntervalMs !== undefined ? { pollIntervalMs: deps.pollIntervalMs } : {}),
    ...(deps.cleanupAfterMs !== undefined ? { cleanupAfterMs: deps.cleanupAfterMs } : {}),
    ...(deps.settings ? { settings: deps.settings } : {}),
    onChange: async (drill) => {
      // The result as the engine stores it, built from the drill itself: onChange runs before the
      // engine has written the stored copy, so reading it back here would miss this drill.
      if (drill.state === 'awaitingCleanup' && drill.result)
        durations.remember(resultRecord(drill, drill.result, drill.readyAtMs ?? deps.clock.now()));
      await update(drill);
    },
  });
  const requests = createDrillRequests({
    stores,
    approvals: deps.stores.approvals,
    approvers: deps.approvers,
    audit: deps.audit,
    getPlan: deps.getPlan,
    clock: deps.clock,
  });
  const driveLater = (id: string) =>
    deps.track(
      engine
        .drive(id)
        .catch((error: unknown) => logger.error({ err: error, drill: id }, 'drill failed to drive')),
    );
  const decisions = createDrillDecisions({
    stores,
    engine,
    approvers: deps.approvers,
    audit: deps.audit,
    getPlan: deps.getPlan,
    logger,
  });
  return {
    stores,
    requests,
    engine,
    decisions,
    durations,
    listDrillResources: () => listDrillResources(stores),
    async post(drill) {
      const posted = await deps.client.chat.postMessage({
        channel: drill.channel,
        ...drillCard(drill, deps.clock.now(), timeline),
      });
      const ts = posted.ts;
      if (!ts) return;
      const { drill: written } = await updateDrill(
        stores,
        drill.id,
        () => deps.clock.now(),
        (d) => (d.messageTs ? undefined : { ...d, messageTs: ts }),
      );
      // The drill may have moved on while the message was being posted.
      if (written && written.version !== drill.version) await update(written).catch(() => undefined);
    },
    driveLater,
    async refresh(id) {
      const drill = await stores.drills.get(id);
      if (drill) await update(drill);
    },
    async sweep() {
      await engine.sweep();
    },
    standing: createDrillStandings(stores, deps.getPlan, deps.clock),
  };
}
