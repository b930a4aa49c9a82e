import type { Params } from '../http-util.js';
import { str } from '../http-util.js';
import { ApiError, resolveChannel } from '../messages.js';
import type { Channel, Workspace } from '../workspace.js';

export interface ApiContext {
  ws: Workspace;
  /** The emulator's base URL, ending in a slash. */
  baseUrl: string;
}

/** A Web API method: returns the success body (without ok) or throws ApiError. */
export type ApiMethod = (
  ctx: ApiContext,
  params: Params,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

export function requireChannel(ctx: ApiContext, params: Params, key = 'channel'): Channel {
  const channel = resolveChannel(ctx.ws, str(params, key));
  if (!channel) throw new ApiError('channel_not_found');
  return channel;
}

export function requireUser(ctx: ApiContext, userId: string | undefined): string {
  if (!userId || !ctx.ws.users.has(userId)) throw new ApiError('user_not_found');
  return userId;
}

export function permalink(ctx: ApiContext, channel: string, ts: string, threadTs?: string): string {
  const base = `${ctx.baseUrl}archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}

/** Offset-based cursors, opaque like Slack's. */
export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new ApiError('invalid_cursor');
  return Number(match[1]);
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`next_ts:${offset}`).toString('base64');
}
