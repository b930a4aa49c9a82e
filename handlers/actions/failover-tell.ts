import type { RespondFn } from '@slack/bolt';
import type { Message } from '../../blocks/failover/format.js';
import type { FailoverHandlerDeps } from '../commands/failover.js';

/**
 * Acked already; runs the work tracked for shutdown and answers the person ephemerally with its Message,
 * or with the error when it failed (nobody is left wondering what happened to their click).
 */
export function answerInBackground(
  deps: Pick<FailoverHandlerDeps, 'inflight' | 'logger'>,
  respond: RespondFn,
  what: string,
  work: () => Promise<Message | undefined>,
): Promise<void> {
  const run = (async () => {
    try {
      const message = await work();
      if (message) await respond({ response_type: 'ephemeral', replace_original: false, ...message });
    } catch (error) {
      deps.logger.error({ err: error }, `${what} failed`);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `:x: ${what} failed: ${error instanceof Error ? error.message : String(error)}. Nothing was approved or changed by this click.`,
      }).catch(() => undefined);
    }
  })();
  return deps.inflight.track(run);
}
