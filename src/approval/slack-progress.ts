import {
  notifyStepMessage,
  outcomeDm,
  type ProgressEvent,
  progressBroadcast,
  stepFailedMessage,
} from '../../blocks/failover/messages.js';
import type { Plan } from '../plan/load.js';
import { entrySteps, runbookEntries } from '../runbook/stages.js';
import { describeState } from './policy.js';
import { type FailoverSlackDeps, type SlackKit, title, what } from './slack-shared.js';
import { createTellOnce } from './tell-once.js';
import type { Execution } from './types.js';

/** A running execution in Slack: what each change tells whom (decisions on a paused step: slack-step-decisions.ts). */
export function createProgressActions(deps: FailoverSlackDeps, kit: SlackKit) {
  const { requests, cards, logger } = deps;
  const { safely, notice, sendDm } = kit;
  const tellOnce = createTellOnce({ marks: deps.once, logger });
  /** Notices do not hold the change back; shutdown still waits for them. */
  const inBackground = (work: Promise<void>) => void deps.inflight.track(work);

  return {
    /**
     * The runbook engine's `onChange`: progress card, failure replies, stakeholder notices, requester DM.
     * Each reply, notice and DM is sent once per execution (per failed attempt), whichever replica reports
     * the change and however often (see `tell-once.ts`).
     */
    async onChange(execution: Execution): Promise<void> {
      await safely('slot release', () => requests.releaseIfFinished(execution));
      await cards.refresh(execution.group?.id ?? execution.id);
      const request = await requests.shownUnder(execution.id);
      const id = execution.id;
      if (execution.state === 'running') {
        inBackground(
          tellOnce(`${id}:notice:started`, 'stakeholder notice', () =>
            notice('started', execution, `${title(execution)} of ${execution.service} started.`),
          ),
        );
      }
      const thread = request?.threadTs ?? request?.messageTs;
      /** A thread reply also shown in the channel (reply_broadcast), once per moment across replicas. */
      const broadcast = (key: string, event: ProgressEvent) => {
        const service = deps.getPlan().services[execution.service];
        if (!request || !thread || !service) return Promise.resolve();
        const move = what(execution);
        const to = move === 'failback' ? service.primaryRegion : service.recoveryRegion;
        const said = progressBroadcast(move, execution.service, to, event);
        return tellOnce(`${id}:broadcast:${key}`, 'channel progress line', () =>
          deps.client.chat.postMessage({
            channel: request.channel,
            thread_ts: thread,
            reply_broadcast: true,
            text: said.text,
            blocks: said.blocks,
          }),
        );
      };
      const moving = ['running', 'pausedByFailedStep', 'completed', 'aborted'].includes(execution.state);
      if (moving) await broadcast('started', { kind: 'started', requestedBy: execution.requestedBy });
      // A notify step that succeeded posts the plan's message in the thread once per step (not per
      // attempt: a retried step says it once), however many replicas report the change.
      for (const step of notifySteps(deps.getPlan(), execution)) {
        if (!request || !thread || execution.steps[step.id]?.state !== 'succeeded') continue;
        const said = notifyStepMessage(step.id, step.message);
        await tellOnce(`${id}:notify:${step.id}`, 'notify step message', () =>
          deps.client.chat.postMessage({
            channel: request.channel,
            thread_ts: thread,
            text: said.text,
            blocks: said.blocks,
          }),
        );
      }
      for (const [stepId, step] of Object.entries(execution.steps)) {
        if (step.state !== 'failed') continue;
        const attempt = `${stepId}:${step.attempts}`;
        await broadcast(`paused:${attempt}`, {
          kind: 'paused',
          stepId,
          ...(step.error !== undefined ? { error: step.error } : {}),
        });
        if (request && thread) {
          const reply = stepFailedMessage(stepId, step.error, step.attempts, what(execution));
          await tellOnce(`${id}:reply:failed:${attempt}`, 'failure reply', () =>
            deps.client.chat.postMessage({
              channel: request.channel,
              thread_ts: thread,
              text: reply.text,
              blocks: reply.blocks,
            }),
          );
        }
        inBackground(
          tellOnce(`${id}:notice:failed:${attempt}`, 'stakeholder notice', () =>
            notice(
              'failed',
              execution,
              `${title(execution)} of ${execution.service}: step ${stepId} failed (${step.error ?? 'no detail'}); paused for a decision.`,
            ),
          ),
        );
      }
      if (execution.state === 'completed' || execution.state === 'aborted') {
        const completed = execution.state === 'completed';
        await broadcast('finished', { kind: completed ? 'completed' : 'aborted' });
        inBackground(
          tellOnce(`${id}:notice:finished`, 'stakeholder notice', () =>
            notice(
              completed ? 'completed' : 'failed',
              execution,
              `${title(execution)} of ${execution.service} ${describeState(execution.state)}.`,
            ),
          ),
        );
        await tellOnce(`${id}:dm:outcome`, 'DM to the requester', () =>
          sendDm(
            execution.requestedBy,
            outcomeDm(
              execution.service,
              describeState(execution.state),
              execution.abortSummary?.text,
              what(execution),
            ),
          ),
        );
      }
    },
  };
}

/** The runbook's `notify` steps (their plan messages) for this execution's service and kind. */
function notifySteps(plan: Plan, execution: Execution): { readonly id: string; readonly message: string }[] {
  const service = plan.services[execution.service];
  if (!service) return [];
  const kind = execution.kind === 'failback' ? 'failback' : 'failover';
  return entrySteps(runbookEntries({ ...service, name: execution.service }, kind)).flatMap((step) =>
    step.kind === 'notify' ? [{ id: step.id, message: step.message }] : [],
  );
}
