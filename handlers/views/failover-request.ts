import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { REASON_MAX, type RequestModalMetadata } from '../../blocks/failover/modal.js';
import { ActionId, BlockId } from '../../blocks/ids.js';
import { FAILOVER_MODES, type FailoverMode } from '../../src/approval/index.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function parseMetadata(text: string): RequestModalMetadata | undefined {
  try {
    const value = JSON.parse(text) as Partial<RequestModalMetadata>;
    const services =
      Array.isArray(value.services) && value.services.every((s) => typeof s === 'string')
        ? { services: value.services }
        : {};
    return typeof value.service === 'string' && typeof value.channel === 'string'
      ? { service: value.service, channel: value.channel, ...services }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Submission of the request modal. Field errors are answered in the ack; otherwise the modal closes and the
 * request is made in the background (authority re-checked), the outcome told ephemerally in the channel.
 */
export function makeRequestSubmission(deps: FailoverHandlerDeps) {
  return async ({ ack, view, body, client }: ViewArgs): Promise<void> => {
    const values = view.state.values;
    const reason = (values[BlockId.failoverReason]?.[ActionId.failoverReason]?.value ?? '').trim();
    const mode = values[BlockId.failoverMode]?.[ActionId.failoverMode]?.selected_option?.value;
    const metadata = parseMetadata(view.private_metadata);
    const errors: Record<string, string> = {};
    if (reason === '') errors[BlockId.failoverReason] = 'Say why: approvers and stakeholders read it.';
    else if (reason.length > REASON_MAX) errors[BlockId.failoverReason] = `At most ${REASON_MAX} characters.`;
    if (!FAILOVER_MODES.includes(mode as FailoverMode))
      errors[BlockId.failoverMode] = 'Choose planned or unplanned.';
    if (!metadata || Object.keys(errors).length > 0) {
      await ack({
        response_action: 'errors',
        errors: metadata ? errors : { [BlockId.failoverReason]: 'This form is invalid; open it again.' },
      });
      return;
    }
    await ack();
    const userId = body.user.id;
    const work = (async () => {
      const message = await deps.slack.submitRequest({
        service: metadata.service,
        ...(metadata.services ? { services: metadata.services } : {}),
        mode: mode as FailoverMode,
        reason,
        userId,
      });
      await client.chat.postEphemeral({
        channel: metadata.channel,
        user: userId,
        text: message.text,
        blocks: message.blocks,
      });
    })().catch(async (error: unknown) => {
      deps.logger.error({ err: error, service: metadata.service }, 'failover request failed');
      await client.chat
        .postEphemeral({
          channel: metadata.channel,
          user: userId,
          text: `:x: The failover request for ${metadata.service} failed: ${error instanceof Error ? error.message : String(error)}`,
        })
        .catch(() => undefined);
    });
    await deps.inflight.track(work);
  };
}
