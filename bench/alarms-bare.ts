import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { ActionId } from '../blocks/ids.js';
import { serveLines } from './alarms-ipc.js';

/**
 * The alarm-storm benchmark's baseline, in its own process like the bot: a bare Bolt app that only
 * acks `/dr` with a short ephemeral text and an Approve click, behind the same emulator. Usage:
 * `tsx bench/alarms-bare.ts '<json { apiUrl, botToken, signingSecret }>'`.
 */
interface BareArgs {
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
}

async function main(args: BareArgs): Promise<void> {
  const receiver = new HTTPReceiver({ signingSecret: args.signingSecret, endpoints: '/slack/events' });
  const app = new App({ token: args.botToken, receiver, clientOptions: { slackApiUrl: args.apiUrl } });
  app.command('/dr', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'help' }));
  app.action(ActionId.failoverApprove, async ({ ack }) => ack());
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as {
    address(): AddressInfo | string | null;
  };
  const address = server.address() as AddressInfo;
  const rssMb = () => Math.round((process.memoryUsage.rss() / 1_048_576) * 10) / 10;
  serveLines(
    { url: `http://127.0.0.1:${address.port}`, readyMs: Math.round(performance.now()), rssMb: rssMb() },
    { report: async () => ({ rssMb: rssMb() }) },
    async () => {
      await app.stop();
    },
  );
}

const raw = process.argv[2];
if (!raw) throw new Error("usage: tsx bench/alarms-bare.ts '<json>'");
await main(JSON.parse(raw) as BareArgs);
