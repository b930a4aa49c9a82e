import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Params, parseParams, readBody, sendJson, str } from '../http-util.js';
import { ApiError } from '../messages.js';
import type { RateLimiter } from '../rate-limit.js';
import { chatMethods } from './chat.js';
import type { ApiContext, ApiMethod } from './context.js';
import { conversationMethods } from './conversations.js';
import { fileMethods, storeUpload } from './files.js';
import { userMethods } from './users.js';
import { viewMethods } from './views.js';

const methods: Record<string, ApiMethod> = {
  ...chatMethods,
  ...conversationMethods,
  ...viewMethods,
  ...userMethods,
  ...fileMethods,
};

export interface ApiDeps extends ApiContext {
  botToken: string;
  limiter: RateLimiter;
}

interface Outcome {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function tokenOf(req: IncomingMessage, params: Params): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return str(params, 'token');
}

async function run(
  deps: ApiDeps,
  method: string,
  req: IncomingMessage,
  params: Params | undefined,
): Promise<Outcome> {
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };
  if (!params) return { status: 200, body: { ok: false, error: 'invalid_json' } };
  const token = tokenOf(req, params);
  if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
  if (token !== deps.botToken) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
  const channel = str(params, 'channel') ?? str(params, 'channel_id');
  const decision = deps.limiter.check(method, channel, deps.ws.now());
  if (!decision.allowed) {
    return {
      status: 429,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'retry-after': String(decision.retryAfterSec) },
    };
  }
  try {
    return { status: 200, body: { ok: true, ...(await handler(deps, params)) } };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const body: Record<string, unknown> = { ok: false, error: err.code };
    if (err.messages) body.response_metadata = { messages: err.messages };
    return { status: 200, body };
  }
}

/** Serves POST /api/<method> with Slack's wire format and error names. */
export async function handleApiRequest(
  deps: ApiDeps,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const body = await readBody(req);
  const params = await parseParams(req.headers['content-type'], body, url.searchParams);
  const outcome = await run(deps, method, req, params);
  const channel = params ? (str(params, 'channel') ?? str(params, 'channel_id')) : undefined;
  deps.ws.calls.push({
    method,
    at: deps.ws.now(),
    ok: outcome.body.ok === true,
    ...(outcome.body.ok === true ? {} : { error: String(outcome.body.error) }),
    ...(channel ? { channel } : {}),
  });
  sendJson(res, outcome.status, outcome.body, outcome.headers);
}

/** Serves POST /_upload/<file id>, the upload_url handed out by files.getUploadURLExternal. */
export async function handleUpload(
  deps: ApiDeps,
  fileId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  const fields = type.startsWith('multipart/form-data')
    ? await parseParams(type, body, new URLSearchParams())
    : undefined;
  if (!storeUpload(deps, fileId, body, fields)) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('file_not_found');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`OK - ${deps.ws.files.get(fileId)?.length ?? 0}`);
}
