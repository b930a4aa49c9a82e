import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Signs a body the way Slack does: v0 HMAC-SHA256 over `v0:<timestamp>:<body>`. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPost {
  readonly status: number;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export async function postSigned(
  url: string,
  body: string,
  options: {
    secret: string;
    timestamp?: number;
    contentType?: string;
    signature?: string;
    headers?: Record<string, string>;
  },
): Promise<SignedPost> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
}

export function slashCommandBody(fields: {
  text: string;
  user?: string;
  channel?: string;
  responseUrl?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0LIFEBOAT',
    team_domain: 'lifeboat',
    channel_id: fields.channel ?? 'C0PAYMENTS',
    channel_name: 'payments',
    user_id: fields.user ?? 'U0ALICE',
    user_name: 'alice',
    command: '/dr',
    text: fields.text,
    api_app_id: 'A0LIFEBOAT',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl ?? 'http://127.0.0.1:9/response',
    trigger_id: '1337.42.abcdef',
  }).toString();
}

/** The smallest Slack Web API stand-in for foundation tests: auth.test, and a response_url sink. */
export interface FakeSlackApi {
  readonly apiUrl: string;
  readonly responseUrl: string;
  readonly responses: unknown[];
  readonly calls: { method: string; body: string }[];
  close(): Promise<void>;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const responses: unknown[] = [];
  const calls: { method: string; body: string }[] = [];
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? '';
    res.setHeader('content-type', 'application/json');
    if (path.startsWith('/response')) {
      responses.push(JSON.parse(body));
      res.end('{"ok":true}');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    calls.push({ method, body });
    if (method === 'auth.test') {
      res.end(
        JSON.stringify({
          ok: true,
          user_id: 'U0LIFEBOAT',
          bot_id: 'B0LIFEBOAT',
          team_id: 'T0LIFEBOAT',
          user: 'lifeboat',
        }),
      );
      return;
    }
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    responseUrl: `http://127.0.0.1:${port}/response`,
    responses,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
