import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionId, BlockId, CallbackId } from '../../blocks/ids.js';
import { startEmbeddedDynamo } from '../../src/adapters/store/dynamo.js';
import { parseConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { type Lifeboat, startLifeboat } from '../../src/main.js';
import type { Plan } from '../../src/plan/load.js';
import { createSimulatedCloud, type SimulatedCloud } from '../../src/sandbox/aws/index.js';
import { SANDBOX_BOT, workspaceForPlan } from '../../src/sandbox/people.js';
import { type SlackEmulator, type StoredMessage, startSlackEmulator } from '../../src/sandbox/slack/index.js';
import { postSigned, type SignedPost } from '../helpers/slack.js';

export const SECRET = 'attack-matrix-signing-secret';
const TOKEN = 'xoxb-attack-matrix';

/** The wall clock plus an offset the test can move forward (signatures are timed by it too). */
export function offsetClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** Collects what the bot POSTs to each response_url, by path. */
export interface ResponseSink {
  url(name: string): string;
  answers(name: string): { text?: string }[];
  close(): Promise<void>;
}

export async function startResponseSink(): Promise<ResponseSink> {
  const got = new Map<string, { text?: string }[]>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const name = (req.url ?? '').replace(/^\/r\//, '');
    got.set(name, [
      ...(got.get(name) ?? []),
      JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: string },
    ]);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/r/${name}`,
    answers: (name) => got.get(name) ?? [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface World {
  readonly cloud: SimulatedCloud;
  readonly slack: SlackEmulator;
  readonly clock: ReturnType<typeof offsetClock>;
  /** The shared embedded DynamoDB (table `lifeboat`), for tests that write items by hand. */
  readonly dynamoEndpoint: string;
  /** A bot replica; `runbook` tunes its engine (e.g. a short takeover sweep). */
  start(plan: Plan, runbook?: { readonly sweepIntervalMs?: number }): Promise<Lifeboat>;
  close(): Promise<void>;
}

/** One simulated cloud, one Slack emulator (as the Web API) and one shared DynamoDB for several bot replicas. */
export async function startWorld(plan: Plan): Promise<World> {
  const clock = offsetClock();
  const cloud = await createSimulatedCloud({ plan, clock, timeScale: 600 });
  const slack = await startSlackEmulator({
    ...workspaceForPlan(plan),
    botToken: TOKEN,
    signingSecret: SECRET,
    botUser: SANDBOX_BOT,
    rateLimits: false,
  });
  const dynamo = await startEmbeddedDynamo();
  const bots: Lifeboat[] = [];
  return {
    cloud,
    slack,
    clock,
    dynamoEndpoint: dynamo.endpoint,
    async start(p, runbook = {}) {
      const config = parseConfig(
        { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' },
        { memoryState: true },
      );
      const bot = await startLifeboat({
        config,
        plan: p,
        clock,
        logger: createLogger({ level: 'silent' }),
        onAwsClient: (client, region, assumed) => cloud.attach(client, region, assumed),
        dynamoEndpoint: dynamo.endpoint,
        runbook: { pollIntervalMs: 50, ...runbook },
      });
      bots.push(bot);
      return bot;
    },
    async close() {
      for (const bot of bots) await bot.close(2_000).catch(() => undefined);
      await slack.close();
      await dynamo.close();
      await cloud.close();
    },
  };
}

export const form = (payload: object) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export function requestSubmission(user: string, service: string, reason: string, mode = 'unplanned'): string {
  return form({
    type: 'view_submission',
    team: { id: 'T0LIFEBOAT', domain: 'lifeboat' },
    user: { id: user, team_id: 'T0LIFEBOAT' },
    api_app_id: 'A0LIFEBOAT',
    trigger_id: '1.2.3',
    view: {
      id: `V${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
      team_id: 'T0LIFEBOAT',
      type: 'modal',
      callback_id: CallbackId.failoverRequest,
      private_metadata: JSON.stringify({ service, channel: 'C0PAYMENTS' }),
      state: {
        values: {
          [BlockId.failoverMode]: {
            [ActionId.failoverMode]: { type: 'radio_buttons', selected_option: { value: mode } },
          },
          [BlockId.failoverReason]: {
            [ActionId.failoverReason]: { type: 'plain_text_input', value: reason },
          },
        },
      },
      hash: 'h',
      blocks: [],
    },
  });
}

export function buttonClick(args: {
  user: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  responseUrl: string;
}): string {
  return form({
    type: 'block_actions',
    team: { id: 'T0LIFEBOAT', domain: 'lifeboat' },
    user: { id: args.user, team_id: 'T0LIFEBOAT' },
    api_app_id: 'A0LIFEBOAT',
    trigger_id: '1.2.3',
    container: { type: 'message', channel_id: args.channel, message_ts: args.messageTs },
    channel: { id: args.channel },
    message: { type: 'message', ts: args.messageTs, text: 'card' },
    response_url: args.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: args.actionId,
        block_id: BlockId.failoverActions,
        value: args.value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  });
}

/** POSTs a signed delivery to a bot, timed by the world's clock unless told otherwise. */
export function deliver(
  bot: Lifeboat,
  body: string,
  clock: Clock,
  options: { timestamp?: number; signature?: string } = {},
): Promise<SignedPost> {
  return postSigned(`${bot.url}/slack/events`, body, {
    secret: SECRET,
    timestamp: options.timestamp ?? Math.floor(clock.now() / 1000),
    ...(options.signature ? { signature: options.signature } : {}),
  });
}

/** The request card in a channel: its ts and the Approve button's value. */
export function findCard(
  slack: SlackEmulator,
  channel: string,
  service: string,
): { ts: string; approve: string } | undefined {
  const card = [...slack.messages(channel)]
    .reverse()
    .find(
      (m: StoredMessage) =>
        JSON.stringify(m.blocks ?? []).includes(ActionId.failoverApprove) && m.text.includes(service),
    );
  if (!card) return undefined;
  const approve =
    JSON.stringify(card.blocks).match(/"action_id":"failover_approve","value":"([^"]+)"/)?.[1] ??
    JSON.stringify(card.blocks).match(/"value":"([^"]+)","action_id":"failover_approve"/)?.[1];
  return approve ? { ts: card.ts, approve } : undefined;
}
