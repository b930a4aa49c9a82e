import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installationMiddleware } from '../../src/http/installation.js';
import { createHttpServer, type HttpServer, MAX_BODY_BYTES } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { postSigned, slashCommandBody } from '../helpers/slack.js';

const SECRET = 'ingress-secret';

/** Issue 21 (lower list): ssl_check, installation ids, and refusing from the headers before reading a body. */
describe('POST /slack/events hardening', () => {
  let server: HttpServer;
  let url: string;
  const reached: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    server = createHttpServer({
      logger: createLogger({ level: 'silent' }),
      readiness: [],
      slack: {
        signingSecret: SECRET,
        installation: { teamId: 'T0LIFEBOAT', appId: 'A0LIFEBOAT', enterpriseId: undefined },
        listener: (req, res) => {
          reached.push(String((req as { rawBody?: Buffer }).rawBody?.length));
          res.end('ok');
        },
      },
      onRejected: (r) => void refused.push(r.reason),
    });
    url = `${await server.listen(0, '127.0.0.1')}/slack/events`;
  });
  afterAll(() => server.close());

  /** Sends headers and part of a body that never completes; resolves with the status. */
  const partial = (headers: Record<string, string | number>) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.write('x'.repeat(10));
    });

  it("answers Slack's unsigned ssl_check with 200 without reaching Bolt", async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=legacy',
    });
    expect(res.status).toBe(200);
    const other = await fetch(url, { method: 'POST', body: 'command=/dr&text=help' });
    expect(other.status).toBe(401);
    expect(reached).toHaveLength(0);
  });

  it('passes a payload from the installation', async () => {
    const res = await postSigned(url, slashCommandBody({ text: 'help' }), { secret: SECRET });
    expect(res.status).toBe(200);
  });

  it('refuses a signed payload from another team, app or enterprise, or a Slack Connect guest', async () => {
    const before = reached.length;
    const command = (over: Record<string, string>) =>
      new URLSearchParams({
        ...Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'help' }))),
        ...over,
      }).toString();
    const action = (user: Record<string, unknown>) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          team: { id: 'T0LIFEBOAT' },
          user: { id: 'U0GUEST', ...user },
          api_app_id: 'A0LIFEBOAT',
          enterprise: null,
          actions: [{ action_id: 'failover_approve' }],
        }),
      }).toString();
    for (const body of [
      command({ team_id: 'T0OTHER' }),
      command({ api_app_id: 'A0OTHER' }),
      command({ enterprise_id: 'E0ORG' }),
      action({ team_id: 'T0GUESTORG' }),
      JSON.stringify({ type: 'event_callback', team_id: 'T0LIFEBOAT', event: {} }),
    ]) {
      const res = await postSigned(url, body, {
        secret: SECRET,
        ...(body.startsWith('{') ? { contentType: 'application/json' } : {}),
      });
      expect(res.status).toBe(403);
    }
    expect(reached.length).toBe(before);
    expect(refused.filter((r) => r.startsWith('not_this_installation'))).toHaveLength(5);
    // The same action from a member of the workspace is let through.
    expect((await postSigned(url, action({ team_id: 'T0LIFEBOAT' }), { secret: SECRET })).status).toBe(200);
  });

  it('refuses a stale timestamp or a malformed signature from the headers, before reading the body', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await partial({
        'content-length': 100_000,
        'x-slack-request-timestamp': now - 600,
        'x-slack-signature': `v0=${'a'.repeat(64)}`,
      }),
    ).toBe(401);
    expect(
      await partial({
        'content-length': 100_000,
        'x-slack-request-timestamp': now,
        'x-slack-signature': 'v0=zz',
      }),
    ).toBe(401);
    expect(
      await partial({
        'content-length': MAX_BODY_BYTES + 1,
        'x-slack-request-timestamp': now,
        'x-slack-signature': `v0=${'a'.repeat(64)}`,
      }),
    ).toBe(413);
  });

  it('bounds the bytes of unverified bodies buffered at once (503 beyond)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = {
      'content-length': MAX_BODY_BYTES,
      'x-slack-request-timestamp': now,
      'x-slack-signature': `v0=${'a'.repeat(64)}`,
    };
    // Eight slow bodies of 1 MiB hold the budget; the ninth is refused at once. The server reserves
    // a body's bytes in its request handler, before any later 'request' listener runs: wait for the
    // eight to arrive (not for a fixed time, which a loaded machine can exceed).
    const arrived = new Promise<void>((resolve) => {
      let n = 0;
      const onRequest = () => {
        if (++n < 8) return;
        server.server.off('request', onRequest);
        resolve();
      };
      server.server.on('request', onRequest);
    });
    const held = Array.from({ length: 8 }, () => {
      const req = request(url, { method: 'POST', headers });
      req.on('error', () => undefined);
      req.write('x');
      return req;
    });
    await arrived;
    expect(await partial(headers)).toBe(503);
    for (const req of held) req.destroy();
  });
});

describe('installation check as Bolt middleware (Socket Mode)', () => {
  it('stops a payload from another installation before any listener, lets its own through', async () => {
    const refused: string[] = [];
    const middleware = installationMiddleware(
      () => ({ teamId: 'T0LIFEBOAT', appId: 'A0LIFEBOAT', enterpriseId: undefined }),
      (reason) => void refused.push(reason),
    );
    let reached = 0;
    const next = async () => {
      reached++;
    };
    await middleware({ body: { team_id: 'T0OTHER', api_app_id: 'A0LIFEBOAT' }, next });
    await middleware({
      body: {
        type: 'block_actions',
        team: { id: 'T0LIFEBOAT' },
        user: { team_id: 'T0GUEST' },
        api_app_id: 'A0LIFEBOAT',
      },
      next,
    });
    expect(reached).toBe(0);
    expect(refused).toEqual(['not_this_installation: team_mismatch', 'not_this_installation: team_mismatch']);
    await middleware({ body: { team_id: 'T0LIFEBOAT', api_app_id: 'A0LIFEBOAT' }, next });
    expect(reached).toBe(1);
  });
});
