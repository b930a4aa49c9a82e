import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { FailbackModalMetadata } from '../../blocks/failback/modal.js';
import { REASON_MAX } from '../../blocks/failover/modal.js';
import { ActionId, BlockId } from '../../blocks/ids.js';
import type { FailbackHandlerDeps } from '../commands/failback.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function parseMetadata(text: string): FailbackModalMetadata | undefined {
  try {
    const value = JSON.parse(text) as Partial<FailbackModalMetadata>;
    return typeof value.service === 'string' && typeof value.channel === 'string'
      ? { service: value.service, channel: value.channel }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Submission of the failback request modal. A missing reason is answered in the ack; otherwise the modal
 * closes and the planned failback request is made in the background (authority re-checked, the failback check
 * re-run at approval), the outcome told ephemerally in the channel.
 */
export function makeFailbackSubmission(deps: FailbackHandlerDeps) {
  return async ({ ack, view, body, client }: ViewArgs): Promise<void> => {
    const reason = (view.state.values[BlockId.failbackReason]?.[ActionId.failbackReason]?.value ?? '').trim();
    const metadata = parseMetadata(view.private_metadata);
    const problem = !metadata
      ? 'This form is invalid; open it again.'
      : reason === ''
        ? 'Say why: approvers and stakeholders read it.'
        : reason.length > REASON_MAX
          ? `At most ${REASON_MAX} characters.`
          : !deps.submitFailback
            ? 'Requesting a failback is not available in this deployment.'
            : undefined;
    if (problem || !metadata || !deps.submitFailback) {
      await ack({ response_action: 'errors', errors: { [BlockId.failbackReason]: problem ?? 'Invalid.' } });
      return;
    }
    await ack();
    const submit = deps.submitFailback;
    const userId = body.user.id;
    const tell = (message: { readonly text: string; readonly blocks?: KnownBlock[] }) =>
      client.chat.postEphemeral({
        channel: metadata.channel,
        user: userId,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      });
    const work = (async () => {
      await tell(await submit({ service: metadata.service, reason, userId }));
    })().catch(async (error: unknown) => {
      deps.logger.error({ err: error, service: metadata.service }, 'failback request failed');
      await tell({
        text: `:x: The failback request for ${metadata.service} failed: ${error instanceof Error ? error.message : String(error)}`,
      }).catch(() => undefined);
    });
    if (deps.inflight) await deps.inflight.track(work);
    else await work;
  };
}
