import { randomBytes } from 'node:crypto';
import { isRecord } from './http-util.js';
import {
  ApiError,
  checkContent,
  deleteEphemeral,
  deleteMessage,
  type MessageContent,
  postEphemeral,
  postMessage,
  replaceEphemeral,
  updateMessage,
} from './messages.js';
import type { ResponseUrl, Workspace } from './workspace.js';

export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;

export function issueResponseUrl(
  ws: Workspace,
  baseUrl: string,
  info: Omit<ResponseUrl, 'issuedAt' | 'uses'>,
): string {
  const token = `${ws.team.id}/${ws.nextId('R')}/${randomBytes(12).toString('hex')}`;
  ws.responseUrls.set(token, { ...info, issuedAt: ws.now(), uses: 0 });
  return `${baseUrl}_response/${token}`;
}

export interface ResponseOutcome {
  status: number;
  body: Record<string, unknown>;
}

function contentOf(body: Record<string, unknown>): MessageContent {
  const content: MessageContent = {};
  if (typeof body.text === 'string') content.text = body.text;
  if (body.blocks !== undefined) {
    if (!Array.isArray(body.blocks)) throw new ApiError('invalid_blocks_format');
    content.blocks = body.blocks;
  }
  if (Array.isArray(body.attachments)) content.attachments = body.attachments;
  return content;
}

/** Applies what an app POSTs to a response_url: new message, replace or delete the original. */
export function applyResponse(ws: Workspace, target: ResponseUrl, body: Record<string, unknown>): void {
  if (body.delete_original === true || body.delete_original === 'true') {
    if (!target.messageTs) throw new ApiError('message_not_found');
    if (target.isEphemeral) deleteEphemeral(ws, target.messageTs);
    else deleteMessage(ws, target.channel, target.messageTs);
    return;
  }
  const content = checkContent(contentOf(body), true);
  const channel = ws.channels.get(target.channel);
  if (!channel) throw new ApiError('channel_not_found');
  const replace = body.replace_original === true || body.replace_original === 'true';
  if (replace && target.messageTs) {
    if (target.isEphemeral) replaceEphemeral(ws, target.messageTs, content);
    else updateMessage(ws, target.channel, target.messageTs, content);
    return;
  }
  const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : target.threadTs;
  if (body.response_type === 'in_channel') {
    postMessage(ws, channel, content, { threadTs });
  } else {
    postEphemeral(ws, channel, target.user, content, threadTs);
  }
}

/** Serves POST /_response/<token>: valid 30 minutes and 5 uses, like Slack. */
export function handleResponseUrl(ws: Workspace, token: string, rawBody: string): ResponseOutcome {
  const target = ws.responseUrls.get(token);
  if (!target || ws.now() - target.issuedAt > RESPONSE_URL_LIFETIME_MS) {
    return { status: 404, body: { ok: false, error: 'expired_url' } };
  }
  if (target.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { ok: false, error: 'invalid_payload' } };
  }
  if (!isRecord(body)) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
  try {
    applyResponse(ws, target, body);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return {
      status: err.code === 'message_not_found' ? 404 : 400,
      body: {
        ok: false,
        error: err.code,
        ...(err.messages ? { response_metadata: { messages: err.messages } } : {}),
      },
    };
  }
  target.uses += 1;
  return { status: 200, body: { ok: true } };
}
