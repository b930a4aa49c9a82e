import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { REASON_MAX } from '../../blocks/failover/modal.js';
import { ActionId, BlockId } from '../../blocks/ids.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Submission of the decline modal: a reason is required; the decision is checked and made server-side. */
export function makeDeclineSubmission(deps: FailoverHandlerDeps) {
  return async ({ ack, view, body, client }: ViewArgs): Promise<void> => {
    const reason = (
      view.state.values[BlockId.failoverDeclineReason]?.[ActionId.failoverDeclineReason]?.value ?? ''
    ).trim();
    let executionId = '';
    try {
      executionId = String(
        (JSON.parse(view.private_metadata) as { executionId?: unknown }).executionId ?? '',
      );
    } catch {
      executionId = '';
    }
    if (reason === '' || reason.length > REASON_MAX || executionId === '') {
      await ack({
        response_action: 'errors',
        errors: {
          [BlockId.failoverDeclineReason]:
            reason === '' ? 'Say why you decline.' : `At most ${REASON_MAX} characters.`,
        },
      });
      return;
    }
    await ack();
    const userId = body.user.id;
    const work = (async () => {
      const message = await deps.slack.decline({ executionId, userId, reason });
      const where = await deps.slack.whereOf(executionId);
      if (where)
        await client.chat.postEphemeral({
          channel: where.channel,
          user: userId,
          ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
          text: message.text,
          blocks: message.blocks,
        });
    })().catch((error: unknown) => deps.logger.error({ err: error, executionId }, 'decline failed'));
    await deps.inflight.track(work);
  };
}
