import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { type Installation, installationMismatch, payloadIds } from './installation.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

export interface HttpServerOptions {
  readonly logger: Logger;
  /** Bolt's HTTP receiver and its signing secret (absent in Socket Mode). */
  readonly slack?: {
    readonly listener: RequestListener;
    readonly signingSecret: string;
    /** The installation every payload must come from (team, app, enterprise; installation.ts). */
    readonly installation?: Installation;
  };
  /** SNS HTTP(S) notifications (the alarm ingress). */
  readonly sns?: RequestListener;
  readonly readiness: readonly ReadinessProbe[];
  /** `GET /metrics` (Prometheus text); absent: 404. The load balancer does not forward it (docs/metrics.md). */
  readonly metrics?: RequestListener;
  /** Called for every request refused before it reaches a handler, so it can be audited. */
  readonly onRejected?: (reason: RejectedRequest) => void;
  readonly now?: () => number;
}

export interface RejectedRequest {
  readonly path: string;
  readonly status: number;
  readonly reason: string;
  readonly remoteAddress: string | undefined;
}

export interface HttpServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting connections; resolves once open requests have finished. */
  close(): Promise<void>;
}

/** Slack signs requests with a timestamp; Bolt rejects old ones but not ones from the future. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Slack's payloads are small; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Bytes of not yet verified Slack bodies buffered at once, across requests: a request that would
 * exceed it is answered 503 before its body is read, so a flood of large forged bodies cannot
 * grow memory (a real Slack request is a few KB and is signed, so it is rarely affected).
 */
export const MAX_UNVERIFIED_BYTES = 8 * MAX_BODY_BYTES;
/** Slack's unsigned `ssl_check` (slash commands) is a tiny form body. */
const MAX_SSL_CHECK_BYTES = 1024;
const SLACK_SIGNATURE = /^v0=[0-9a-f]{64}$/;

class BodyTooLarge extends Error {}

/** Reads a request body up to `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'http' });

  const reject = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    // req.socket is null once an oversized body's stream was destroyed by readBody.
    const remoteAddress = req.socket?.remoteAddress;
    // Debug only: a flood would flood the log too; onRejected logs the first per reason and window.
    log.debug({ path, status, reason, remote: remoteAddress }, 'request rejected');
    options.onRejected?.({ path, status, reason, remoteAddress });
    req.resume();
    sendJson(res, status, { ok: false, error: reason.split(':')[0] });
  };

  let unverifiedBytes = 0;

  const sslCheck = async (req: IncomingMessage, res: ServerResponse) => {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_SSL_CHECK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return reject(req, res, 401, 'missing_or_invalid_timestamp');
      throw error;
    }
    if (new URLSearchParams(body.toString('utf8')).get('ssl_check') !== '1')
      return reject(req, res, 401, 'missing_or_invalid_timestamp');
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/metrics' && options.metrics) return options.metrics(req, res);
    if (req.method === 'GET' && path === '/readyz') {
      const results = await Promise.all(
        options.readiness.map(async (probe) => {
          try {
            await probe.check();
            return { name: probe.name, ok: true };
          } catch (error) {
            return {
              name: probe.name,
              ok: false,
              error: error instanceof Error ? error.message : String(error),
            };
          }
        }),
      );
      const ok = results.every((r) => r.ok);
      return sendJson(res, ok ? 200 : 503, { ok, checks: results });
    }
    if (path === '/slack/events' && options.slack) {
      if (req.method !== 'POST') return reject(req, res, 405, 'method_not_allowed');
      const signature = req.headers['x-slack-signature'];
      const stamp = req.headers['x-slack-request-timestamp'];
      // Slack's ssl_check is not signed (docs.slack.dev, slash commands): answer 200, nothing else.
      if (signature === undefined && stamp === undefined) return sslCheck(req, res);
      const timestamp = Number(stamp);
      if (!Number.isFinite(timestamp)) return reject(req, res, 401, 'missing_or_invalid_timestamp');
      const nowSeconds = Math.floor(now() / 1000);
      if (timestamp > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
        return reject(req, res, 401, 'timestamp_in_future');
      }
      // Everything that can be refused from the headers is, before a byte of the body is read.
      if (timestamp < nowSeconds - MAX_CLOCK_SKEW_SECONDS) return reject(req, res, 401, 'stale_timestamp');
      if (typeof signature !== 'string' || !SLACK_SIGNATURE.test(signature))
        return reject(req, res, 401, 'invalid_signature: malformed x-slack-signature');
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (declared > MAX_BODY_BYTES) return reject(req, res, 413, 'payload_too_large');
      const reserve = Number.isFinite(declared) ? declared : MAX_BODY_BYTES;
      if (unverifiedBytes + reserve > MAX_UNVERIFIED_BYTES) return reject(req, res, 503, 'busy');
      unverifiedBytes += reserve;
      let body: Buffer;
      try {
        body = await readBody(req, Number.isFinite(declared) ? declared : MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge) return reject(req, res, 413, 'payload_too_large');
        throw error;
      } finally {
        unverifiedBytes -= reserve;
      }
      try {
        // Verified here too (with Bolt's own function) so every refusal is logged and audited in one place.
        verifySlackRequest({
          signingSecret: options.slack.signingSecret,
          body: body.toString('utf8'),
          headers: {
            'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
            'x-slack-request-timestamp': timestamp,
          },
          nowMilliseconds: now(),
        });
      } catch (error) {
        return reject(
          req,
          res,
          401,
          `invalid_signature: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const installation = options.slack.installation;
      if (installation) {
        const mismatch = installationMismatch(
          payloadIds(body.toString('utf8'), req.headers['content-type']),
          installation,
        );
        if (mismatch) return reject(req, res, 403, `not_this_installation: ${mismatch}`);
      }
      // Bolt reuses an already buffered body instead of reading the stream again.
      Object.assign(req, { rawBody: body });
      return options.slack.listener(req, res);
    }
    if (path === '/sns' && options.sns) {
      if (req.method !== 'POST') return reject(req, res, 405, 'method_not_allowed');
      return options.sns(req, res);
    }
    return reject(req, res, 404, 'not_found');
  };

  const server = createServer((req, res) => {
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
      else res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(
            `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
          );
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
