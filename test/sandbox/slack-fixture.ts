import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import {
  type EmulatorOptions,
  type SlackEmulator,
  startSlackEmulator,
} from '../../src/sandbox/slack/index.js';

export const BOT_TOKEN = 'xoxb-emulator-test';
export const SIGNING_SECRET = 'emulator-signing-secret';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const BOT_USER = 'U0LIFEBOT';
export const INCIDENTS = 'C0INCIDENTS';

export function emulatorOptions(overrides: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    users: [
      { id: ALICE, name: 'alice', realName: 'Alice Example', role: 'approver' },
      { id: BOB, name: 'bob', realName: 'Bob Example' },
    ],
    channels: [
      { id: INCIDENTS, name: 'incidents' },
      { id: 'C0PRIVATE', name: 'private', botIsMember: false },
    ],
    usergroups: [{ id: 'S0APPROVERS', handle: 'dr-approvers', users: [ALICE] }],
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    botUser: { id: BOT_USER, name: 'lifeboat' },
    rateLimits: false,
    ...overrides,
  };
}

export function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<SlackEmulator> {
  return startSlackEmulator(emulatorOptions(overrides));
}

const noop = () => undefined;
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => LogLevel.ERROR,
  setName: noop,
};

export function webClient(
  emulator: SlackEmulator,
  options: WebClientOptions = {},
  token = BOT_TOKEN,
): WebClient {
  return new WebClient(token, {
    slackApiUrl: emulator.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
    ...options,
  });
}

/** Calls a Web API method with a raw HTTP request and returns the status, headers and JSON body. */
export async function rawCall(
  emulator: SlackEmulator,
  method: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${emulator.apiUrl}${method}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A stand-in for the bot's POST /slack/events: records requests and answers with `answer`. */
export async function startReceiver(
  answer: (
    request: ReceivedRequest,
    index: number,
  ) => Promise<{ status: number; body?: string; json?: unknown }>,
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      answer(request, requests.length - 1)
        .then((a) => {
          if (res.destroyed) return;
          if (a.json !== undefined) {
            res.writeHead(a.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(a.json));
          } else {
            res.writeHead(a.status, { 'content-type': 'text/plain' });
            res.end(a.body ?? '');
          }
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const ok = async () => ({ status: 200 });

/** An emulator whose deliveries go to a receiver that records them and answers 200; `close` stops both. */
export async function startRecordedEmulator(
  overrides: Partial<EmulatorOptions> = {},
): Promise<{ emulator: SlackEmulator; receiver: Receiver; close(): Promise<void> }> {
  const receiver = await startReceiver(ok);
  const emulator = await startTestEmulator({ botUrl: receiver.url, ...overrides });
  return {
    emulator,
    receiver,
    close: async () => {
      await emulator.close();
      await receiver.close();
    },
  };
}

/** A real Bolt app (HTTP receiver, signature checks on) that calls the emulator's Web API. */
export function boltApp(emulator: SlackEmulator): App {
  return new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: emulator.apiUrl },
    logger: silentLogger,
    logLevel: LogLevel.ERROR,
  });
}

/** Starts `app` on a free port and points the emulator's deliveries (events, commands, interactions) at it. */
export async function connectBolt(app: App, emulator: SlackEmulator): Promise<void> {
  const server = (await app.start(0)) as Server;
  emulator.setBotUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
}

/** Parses the `payload` field of an interactivity request. */
export function payloadOf(request: ReceivedRequest): Record<string, unknown> {
  return JSON.parse(new URLSearchParams(request.body).get('payload') ?? '{}') as Record<string, unknown>;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
