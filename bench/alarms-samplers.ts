import { setTimeout as sleep } from 'node:timers/promises';
import { ActionId } from '../blocks/ids.js';
import type { SlackEmulator } from '../src/sandbox/slack/index.js';
import { channelId } from './alarms-shape.js';

/**
 * What the storm bench times through the emulator, as a person would cause it: `/dr help` round trips
 * (delivery, ack, answer) and Approve clicks on a failover request card (delivery to ack).
 */

const WARMUP = 30;
/** Approve clicks are sampled this much less often than `/dr help` (each one also costs the bot an audited refusal). */
const CLICK_EVERY = 4;

/** One timed interaction: resolves with its round trip in ms, or undefined if the bot did not answer 200. */
type Interaction = () => Promise<number | undefined>;

async function sample(
  interaction: Interaction,
  stop: (n: number) => boolean,
  everyMs: number,
  spans?: [number, number][],
) {
  const out: number[] = [];
  for (let n = 0; !stop(n); n++) {
    const started = performance.now();
    const ms = await interaction();
    if (ms !== undefined) {
      out.push(ms);
      spans?.push([performance.timeOrigin + started, performance.timeOrigin + started + ms]);
    }
    await sleep(everyMs);
  }
  return out;
}

const timed = async (call: () => Promise<{ status: number }>) => {
  const started = performance.now();
  const res = await call();
  return res.status === 200 ? performance.now() - started : undefined;
};

export const helpCommand =
  (emulator: SlackEmulator): Interaction =>
  () =>
    timed(() => emulator.sendSlashCommand({ userId: 'U0ALICE', channelId: channelId(0), text: 'help' }));

/**
 * A failover request card with an Approve button, posted in the first storm channel through the emulator's
 * Web API with the bot's token, as Lifeboat posts its cards. Its request is unknown to the bot: an Approve
 * click is acked first and authorised after (handlers/actions/failover-approve.ts), so the ack is the path a
 * real click takes; the bot then refuses it (not found) in the background, audited. Returns the click.
 */
export async function approveClick(emulator: SlackEmulator, botToken: string): Promise<Interaction> {
  const channel = channelId(0);
  const res = await fetch(`${emulator.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      channel,
      text: 'Failover requested (bench card)',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Failover requested* (bench card)' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Approve' },
              action_id: ActionId.failoverApprove,
              value: 'exec-bench-unknown|0000',
              style: 'primary',
            },
          ],
        },
      ],
    }),
  });
  const answer = (await res.json()) as { ok: boolean; ts?: string; error?: string };
  if (!answer.ok || !answer.ts) throw new Error(`could not post the bench's request card: ${answer.error}`);
  const messageTs = answer.ts;
  return () =>
    timed(() =>
      emulator.clickButton({
        userId: 'U0ALICE',
        channelId: channel,
        messageTs,
        actionId: ActionId.failoverApprove,
      }),
    );
}

/** `/dr help` every `everyMs` until `stop`; `spans` gets each one's start and end as epoch ms. */
export const sampleHelp = (
  emulator: SlackEmulator,
  stop: (n: number) => boolean,
  everyMs: number,
  spans?: [number, number][],
) => sample(helpCommand(emulator), stop, everyMs, spans);

/** Approve clicks, `CLICK_EVERY` times less often than `/dr help` at `everyMs`, until `stop`. */
export const sampleClicks = (click: Interaction, stop: (n: number) => boolean, everyMs: number) =>
  sample(click, stop, everyMs * CLICK_EVERY);

/** Warms the target up, then takes `samples` idle round trips of `/dr help` and `samples / CLICK_EVERY` clicks, 20 ms apart. */
export async function idleLatencies(
  emulator: SlackEmulator,
  samples: number,
  click: Interaction,
): Promise<{ help: number[]; click: number[] }> {
  await sample(helpCommand(emulator), (n) => n >= WARMUP, 20);
  await sample(click, (n) => n >= WARMUP, 20);
  const help = await sample(helpCommand(emulator), (n) => n >= samples, 20);
  return { help, click: await sample(click, (n) => n >= Math.ceil(samples / CLICK_EVERY), 20) };
}
