import type { WebClient } from '@slack/web-api';
import type { Message } from '../../blocks/failover/format.js';
import type { ApprovalStore } from '../adapters/store/index.js';
import type { OnceMarks } from '../adapters/store/once.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { InFlight } from '../domain/inflight.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ApproverDirectory } from './approvers.js';
import type { Cards } from './cards.js';
import type { NotifyStakeholders, StakeholderEvent } from './notify.js';
import type { FailoverRequests } from './requests.js';
import { type FindIncidentThread, LIFEBOAT_REQUESTER, type RequestKind, type RunnerPort } from './types.js';

export interface FailoverSlackDeps {
  readonly client: WebClient;
  readonly requests: FailoverRequests;
  readonly cards: Cards;
  readonly runner: RunnerPort;
  readonly approvers: ApproverDirectory;
  readonly audit: AuditLog;
  readonly notify: NotifyStakeholders;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
  readonly inflight: InFlight;
  /** The alarm pipeline's open incident thread for a service, if any. */
  readonly findIncidentThread?: FindIncidentThread;
  /** Durable marks, so progress notices, failure replies and outcome DMs are sent once across replicas. */
  readonly once: OnceMarks;
  /** Who agreed to skip a paused step (`skip-votes.ts`): the approval store, under per-attempt keys. */
  readonly skipVotes: ApprovalStore;
  readonly clock: Clock;
}

/** `Failover` or `Failback`, for sentences about an execution. */
export const title = (e: { readonly kind: string }) => (e.kind === 'failback' ? 'Failback' : 'Failover');

export const what = (e: { readonly kind: string }): RequestKind =>
  e.kind === 'failback' ? 'failback' : 'failover';

/** What the parts of the failover feature's Slack side share: best-effort side effects and where to post. */
export function createSlackKit(deps: FailoverSlackDeps) {
  const { logger } = deps;

  /** Runs a side effect whose failure is logged, never shown to the person who acted. */
  const safely = (description: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) => logger.warn({ err: error }, `${description} failed`));

  const notice = (event: StakeholderEvent, execution: ExecutionRecord, summary: string) =>
    deps.notify({ event, service: execution.service, executionId: execution.id, summary });

  /** A DM to the requester (none when Lifeboat itself requested); rejects if it could not be sent. */
  const sendDm = async (userId: string, message: Message): Promise<void> => {
    if (userId === LIFEBOAT_REQUESTER) return;
    const opened = await deps.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    await deps.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
  };

  /** `sendDm` whose failure is logged. */
  const dm = (userId: string, message: Message) =>
    safely('DM to the requester', () => sendDm(userId, message));

  /** The service's open incident thread, else its channel. */
  const where = async (service: string) => {
    const thread = await deps.findIncidentThread?.(service).catch((error: unknown) => {
      logger.warn(
        { err: error, service },
        'could not look up the incident thread; posting in the service channel',
      );
      return undefined;
    });
    if (thread) return { channel: thread.channel, threadTs: thread.ts };
    return { channel: deps.getPlan().services[service]?.channel ?? '' };
  };

  return { safely, notice, sendDm, dm, where };
}

export type SlackKit = ReturnType<typeof createSlackKit>;
