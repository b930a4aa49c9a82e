import type { WebClient } from '@slack/web-api';
import type { Message } from '../../blocks/failover/format.js';
import {
  approvalRecordedMessage,
  busyMessage,
  currentStateMessage,
  decisionMessage,
  outcomeDm,
  refusalMessage,
  requestPostedMessage,
  stepFailedMessage,
} from '../../blocks/failover/messages.js';
import type { AuditLog } from '../audit/types.js';
import type { InFlight } from '../domain/inflight.js';
import type { ExecutionRecord } from '../domain/records.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { ApproverDirectory } from './approvers.js';
import type { Cards } from './cards.js';
import type { NotifyStakeholders, StakeholderEvent } from './notify.js';
import { checkStepDecision, describeState } from './policy.js';
import type { CreateOutcome, FailoverRequests } from './requests.js';
import {
  type Execution,
  type FailoverMode,
  type FindIncidentThread,
  kindOf,
  LIFEBOAT_REQUESTER,
  type RequestKind,
  type RunnerPort,
  type StepDecision,
} from './types.js';

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
}

/**
 * The Slack side of failover requests: posting and editing the card, answering people, DMs to the
 * requester, stakeholder notices, and starting the runbook once approved. Every answer is a Message
 * for the person who acted (handlers send it ephemerally).
 */
export function createFailoverSlack(deps: FailoverSlackDeps) {
  const { requests, cards, logger } = deps;
  const started = new Set<string>();
  const failuresTold = new Set<string>();
  const finished = new Set<string>();
  const approving = new Set<string>();

  const safely = (what: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) => logger.warn({ err: error }, `${what} failed`));

  const notice = (event: StakeholderEvent, execution: ExecutionRecord, summary: string) =>
    deps.notify({ event, service: execution.service, executionId: execution.id, summary });
  /** `Failover` or `Failback`, for sentences about an execution. */
  const title = (e: { readonly kind: string }) => (e.kind === 'failback' ? 'Failback' : 'Failover');
  const what = (e: { readonly kind: string }): RequestKind =>
    e.kind === 'failback' ? 'failback' : 'failover';

  const dm = (userId: string, message: Message) =>
    userId === LIFEBOAT_REQUESTER
      ? Promise.resolve()
      : safely('DM to the requester', async () => {
          const opened = await deps.client.conversations.open({ users: userId });
          const channel = opened.channel?.id;
          if (!channel) throw new Error('conversations.open returned no channel');
          await deps.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
        });

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

  const startRunbook = (execution: Execution) => {
    const work = (async () => {
      await deps.runner.track(execution.id);
      await deps.runner.run(execution.id);
    })().catch(async (error: unknown) => {
      logger.error({ err: error, executionId: execution.id }, 'the runbook could not be driven');
      await cards.refresh(execution.id);
    });
    deps.inflight.track(work);
  };

  const afterCreate = async (outcome: CreateOutcome, requester: string): Promise<Message> => {
    if (outcome.kind === 'refused') return refusalMessage(outcome.refusal.message);
    if (outcome.kind === 'busy')
      return busyMessage(outcome.holder.service, {
        ...(outcome.execution
          ? {
              state: outcome.execution.state,
              requestedBy: outcome.execution.requestedBy,
              kind: outcome.execution.kind,
            }
          : {}),
      });
    const { request, execution } = outcome;
    await cards.post(request.id);
    void safely('stakeholder notice', () =>
      notice(
        'requested',
        execution,
        `${title(execution)} of ${request.service} requested by ${requester}: ${request.reason}`,
      ),
    );
    return requestPostedMessage(request.service, request.channel, kindOf(request));
  };

  return {
    /** A person's request from the modal; their authority is checked again here (the modal proves nothing). */
    async submitRequest(input: {
      readonly service: string;
      /** Default failover; a failback must be planned. */
      readonly kind?: RequestKind;
      readonly mode: FailoverMode;
      readonly reason: string;
      readonly userId: string;
    }): Promise<Message> {
      const plan = deps.getPlan();
      const kind = input.kind ?? 'failover';
      if (!(await deps.approvers.isApprover(plan, input.service, input.userId))) {
        await deps.audit.append({
          type: 'auth.refused',
          actor: input.userId,
          service: input.service,
          details: { action: `request ${kind}`, reason: 'not an approver of the service' },
        });
        return refusalMessage(
          `You are not an approver of ${input.service} in the DR plan, so you cannot request its ${kind}.`,
        );
      }
      const outcome = await requests.create({
        service: input.service,
        ...(kind === 'failback' ? { kind } : {}),
        mode: input.mode,
        reason: input.reason,
        requestedBy: input.userId,
        source: 'slack',
        where: await where(input.service),
      });
      return afterCreate(outcome, `<@${input.userId}>`);
    },

    /**
     * For the alarm pipeline: an alarm whose plan rule has `autoRequestFailover: true` fired. Raises an
     * unplanned request by Lifeboat (two distinct human approvals needed), or finds the one already open.
     */
    async requestFromAlarm(input: {
      readonly service: string;
      readonly alarmName: string;
      readonly reason?: string;
    }): Promise<CreateOutcome> {
      const outcome = await requests.create({
        service: input.service,
        mode: 'unplanned',
        reason: input.reason ?? `Alarm ${input.alarmName} is in ALARM.`,
        requestedBy: LIFEBOAT_REQUESTER,
        source: 'alarm',
        alarmName: input.alarmName,
        where: await where(input.service),
      });
      await afterCreate(outcome, 'Lifeboat');
      return outcome;
    },

    async approve(input: {
      readonly executionId: string;
      readonly digest: string | undefined;
      readonly userId: string;
    }): Promise<Message> {
      // A double click reaching this replica while the first click is being decided: one decision each.
      const key = `${input.executionId}:${input.userId}`;
      if (approving.has(key)) return currentStateMessage('being decided (your first click is in progress)');
      approving.add(key);
      const outcome = await requests
        .approve(input.executionId, input.userId, input.digest)
        .finally(() => approving.delete(key));
      switch (outcome.kind) {
        case 'refused':
          if (outcome.refusal.code === 'expired' || outcome.preconditions)
            await cards.refresh(input.executionId, outcome.preconditions);
          return refusalMessage(outcome.refusal.message);
        case 'lost':
          return currentStateMessage(outcome.execution?.state);
        case 'recorded':
          await cards.refresh(input.executionId, outcome.preconditions);
          return approvalRecordedMessage(outcome.approvers.length, outcome.needed);
        case 'approved': {
          const { execution } = outcome;
          await cards.refresh(execution.id, outcome.preconditions);
          startRunbook(execution);
          void safely('stakeholder notice', () =>
            notice(
              'approved',
              execution,
              `${title(execution)} of ${execution.service} approved by ${outcome.approvers.join(', ')}.`,
            ),
          );
          await dm(
            execution.requestedBy,
            outcomeDm(
              execution.service,
              'approved',
              `Approved by ${outcome.approvers.map((u) => `<@${u}>`).join(', ')}; the runbook is starting.`,
              what(execution),
            ),
          );
          return decisionMessage('Approval');
        }
      }
    },

    /** Refusal to show instead of the decline modal, if any. */
    async checkDecline(input: {
      readonly executionId: string;
      readonly userId: string;
    }): Promise<Message | undefined> {
      const refusal = await requests.precheckDecline(input.executionId, input.userId);
      if (!refusal) return undefined;
      if (refusal.code === 'expired') await cards.refresh(input.executionId);
      return refusalMessage(refusal.message);
    },

    async serviceOf(executionId: string): Promise<string | undefined> {
      return (await requests.load(executionId)).request?.service;
    },

    async whereOf(executionId: string): Promise<{ channel: string; threadTs?: string } | undefined> {
      const { request } = await requests.load(executionId);
      if (!request) return undefined;
      const threadTs = request.threadTs ?? request.messageTs;
      return { channel: request.channel, ...(threadTs ? { threadTs } : {}) };
    },

    async decline(input: {
      readonly executionId: string;
      readonly userId: string;
      readonly reason: string;
    }): Promise<Message> {
      const outcome = await requests.decline(input.executionId, input.userId, input.reason);
      if (outcome.kind === 'refused') {
        if (outcome.refusal.code === 'expired') await cards.refresh(input.executionId);
        return refusalMessage(outcome.refusal.message);
      }
      if (outcome.kind === 'lost') return currentStateMessage(outcome.execution?.state);
      await cards.refresh(input.executionId);
      await dm(
        outcome.execution.requestedBy,
        outcomeDm(
          outcome.execution.service,
          'declined',
          `By <@${input.userId}>: ${input.reason}`,
          what(outcome.execution),
        ),
      );
      return decisionMessage('Decline');
    },

    /** Retry / Skip / Abort on a paused failover: approvers only, conditional in the runner. */
    async decide(input: {
      readonly executionId: string;
      readonly decision: StepDecision;
      readonly userId: string;
    }): Promise<Message> {
      const { execution } = await requests.load(input.executionId);
      const isApprover = execution
        ? await deps.approvers.isApprover(deps.getPlan(), execution.service, input.userId)
        : false;
      const verdict = checkStepDecision({ execution, userId: input.userId, isApprover });
      if (!verdict.ok) {
        await deps.audit.append({
          type: verdict.auditType,
          actor: input.userId,
          ...(execution ? { service: execution.service, executionId: execution.id } : {}),
          details: {
            requestId: input.executionId,
            action: input.decision,
            code: verdict.code,
            reason: verdict.message,
          },
        });
        return refusalMessage(verdict.message);
      }
      try {
        await deps.runner.decide(input.executionId, input.decision, input.userId);
      } catch (error) {
        const current = await requests.load(input.executionId);
        logger.info(
          { err: error, executionId: input.executionId },
          'step decision lost or refused by the runner',
        );
        return current.execution?.state === 'pausedByFailedStep'
          ? refusalMessage(`The runbook refused: ${error instanceof Error ? error.message : String(error)}`)
          : currentStateMessage(current.execution?.state);
      }
      await cards.refresh(input.executionId);
      return decisionMessage(
        input.decision === 'retry' ? 'Retry' : input.decision === 'skip' ? 'Skip' : 'Abort',
      );
    },

    /** The periodic sweep: expires requests past their deadline, edits their cards and tells the requesters. */
    async expireDue(): Promise<number> {
      const expired = await requests.expireDue();
      for (const execution of expired) {
        await cards.refresh(execution.id);
        await dm(
          execution.requestedBy,
          outcomeDm(
            execution.service,
            'expired',
            'Nobody approved it in time; nothing was done.',
            what(execution),
          ),
        );
      }
      return expired.length;
    },

    /** The runbook engine's `onChange`: progress card, failure replies, stakeholder notices, requester DM. */
    async onChange(execution: Execution): Promise<void> {
      await safely('slot release', () => requests.releaseIfFinished(execution));
      await cards.refresh(execution.id);
      const { request } = await requests.load(execution.id);
      if (execution.state === 'running' && !started.has(execution.id)) {
        started.add(execution.id);
        void safely('stakeholder notice', () =>
          notice('started', execution, `${title(execution)} of ${execution.service} started.`),
        );
      }
      for (const [stepId, step] of Object.entries(execution.steps)) {
        const key = `${execution.id}:${stepId}:${step.attempts}`;
        if (step.state !== 'failed' || failuresTold.has(key)) continue;
        failuresTold.add(key);
        const thread = request?.threadTs ?? request?.messageTs;
        if (request && thread) {
          const reply = stepFailedMessage(stepId, step.error, step.attempts, what(execution));
          await safely('failure reply', () =>
            deps.client.chat.postMessage({
              channel: request.channel,
              thread_ts: thread,
              text: reply.text,
              blocks: reply.blocks,
            }),
          );
        }
        void safely('stakeholder notice', () =>
          notice(
            'failed',
            execution,
            `${title(execution)} of ${execution.service}: step ${stepId} failed (${step.error ?? 'no detail'}); paused for a decision.`,
          ),
        );
      }
      if ((execution.state === 'completed' || execution.state === 'aborted') && !finished.has(execution.id)) {
        finished.add(execution.id);
        const completed = execution.state === 'completed';
        void safely('stakeholder notice', () =>
          notice(
            completed ? 'completed' : 'failed',
            execution,
            `${title(execution)} of ${execution.service} ${describeState(execution.state)}.`,
          ),
        );
        await dm(
          execution.requestedBy,
          outcomeDm(
            execution.service,
            describeState(execution.state),
            execution.abortSummary?.text,
            what(execution),
          ),
        );
      }
    },
  };
}

export type FailoverSlack = ReturnType<typeof createFailoverSlack>;
