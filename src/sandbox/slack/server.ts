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
  if (deps.extraRoutes && (await deps.extraRoutes(req, res, url))) return;
  if (await deps.ui(req, res, url)) return;
  sendJson(res, 404, { ok: false, error: 'not_found' });
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
