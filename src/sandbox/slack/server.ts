import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiDeps, handleApiRequest, handleUpload } from './api/index.js';
import { readBody, sendJson } from './http-util.js';
import { handleResponseUrl } from './response-url.js';
import type { EmulatorOptions } from './types.js';

export interface ServerDeps {
  api: ApiDeps;
  /** UI routes (/, /archives/..., /_ui/...); returns true when handled. */
  ui: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  extraRoutes?: EmulatorOptions['extraRoutes'];
}

async function route(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  if (path.startsWith('/api/')) {
    await handleApiRequest(deps.api, decodeURIComponent(path.slice('/api/'.length)), req, res, url);
    return;
  }
  if (path.startsWith('/_upload/') && req.method === 'POST') {
    await handleUpload(deps.api, decodeURIComponent(path.slice('/_upload/'.length)), req, res);
    return;
  }
  if (path.startsWith('/_response/') && req.method === 'POST') {
    const body = (await readBody(req)).toString('utf8');
    const outcome = handleResponseUrl(
      deps.api.ws,
      decodeURIComponent(path.slice('/_response/'.length)),
      body,
    );
    sendJson(res, outcome.status, outcome.body);
    return;
  }
  if (req.method === 'POST' && (path.startsWith('/_ui/') || path.startsWith('/_sandbox/'))) {
    const refusal = crossSiteRefusal(req);
    if (refusal) {
      sendJson(res, 403, { ok: false, error: 'cross_site_request', detail: refusal });
      return;
    }
  }
  if (deps.extraRoutes && (await deps.extraRoutes(req, res, url))) return;
  if (await deps.ui(req, res, url)) return;
  sendJson(res, 404, { ok: false, error: 'not_found' });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The UI's state-changing POSTs (act as a user, submit views, inject faults) come only from the
 * UI's own page: they must carry `x-sandbox-ui: 1` (a custom header, so a cross-site page needs a
 * CORS preflight, which the emulator never grants), an Origin (if any) equal to the page's own, a
 * Sec-Fetch-Site (if any) of same-origin, and a local Host (no DNS rebinding).
 */
function crossSiteRefusal(req: IncomingMessage): string | undefined {
  const host = req.headers.host ?? '';
  const hostname = host.replace(/:\d+$/, '');
  if (!LOCAL_HOSTS.has(hostname)) return `host ${host} is not local`;
  if (req.headers['x-sandbox-ui'] !== '1') return 'missing x-sandbox-ui header';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `origin ${origin} is not this page`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `sec-fetch-site ${String(site)}`;
  return undefined;
}

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(deps: ServerDeps, host: string, port: number): Promise<Listening> {
  const server = createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fatal_error', detail: String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
