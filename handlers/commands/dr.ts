import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import {
  helpMessage,
  notAvailableMessage,
  SUBCOMMANDS,
  type SubcommandName,
  usageMessage,
} from '../../blocks/help.js';
import { didYouMean } from '../../src/domain/did-you-mean.js';
import type { HandlerDeps } from '../deps.js';
import { planCommand } from './plan.js';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const isSubcommand = (word: string): word is SubcommandName =>
  (SUBCOMMANDS as readonly string[]).includes(word);

/** Splits `/dr` text into the subcommand, its tokens and its raw remainder. */
export function parseDrText(text: string): { name: string; args: string[]; rest: string } {
  const trimmed = text.trim();
  const [name = '', ...args] = trimmed.split(/\s+/).filter(Boolean);
  return { name: name.toLowerCase(), args, rest: trimmed.slice(name.length).trim() };
}

/**
 * The `/dr` router. Help, plan and usage errors are answered in the ack itself (fast, ephemeral);
 * slow subcommands are acked first and then run in the background, tracked for graceful shutdown,
 * and any failure is told to the person who asked.
 */
export function makeDrCommand(deps: HandlerDeps) {
  const available = new Set<SubcommandName>([
    'help',
    'plan',
    ...(Object.keys(deps.subcommands) as SubcommandName[]),
  ]);
  return async ({ command, ack, respond, client, logger }: CommandArgs): Promise<void> => {
    const { name, args, rest } = parseDrText(command.text);
    // The audit write starts at once. Answers that only show static text (help, plan, usage) go out in
    // the ack without waiting for it, so the ack never waits on the database; everything else is acked
    // empty and shows its effect only after the command is recorded. A failing audit store is logged.
    const recorded = (
      deps.recordCommand?.({ userId: command.user_id, channelId: command.channel_id, text: command.text }) ??
      Promise.resolve()
    ).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'could not record command in the audit log'),
    );
    deps.inflight.track(recorded);
    if (name === '' || name === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(available) });
    } else if (!isSubcommand(name)) {
      const meant = didYouMean(name, SUBCOMMANDS);
      const hint = meant ? ` Did you mean /dr ${meant}?` : '';
      await ack({ response_type: 'ephemeral', ...usageMessage(`Unknown subcommand "${name}".${hint}`) });
    } else if (name === 'plan') {
      await ack({ response_type: 'ephemeral', ...planCommand(deps.getPlan(), args) });
    } else {
      const run = deps.subcommands[name];
      if (!run) {
        await ack({ response_type: 'ephemeral', ...notAvailableMessage(name) });
      } else {
        await ack();
        const work = (async () => {
          await recorded;
          await run({
            args,
            rest,
            userId: command.user_id,
            channelId: command.channel_id,
            teamId: command.team_id,
            triggerId: command.trigger_id,
            respond,
            client,
          });
        })().catch(async (error: unknown) => {
          logger.error(`/dr ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
          await respond({
            response_type: 'ephemeral',
            text: `:x: \`/dr ${name}\` failed: ${error instanceof Error ? error.message : String(error)}. Nothing further was done; the error is logged.`,
          }).catch(() => undefined);
        });
        deps.inflight.track(work);
      }
    }
  };
}
