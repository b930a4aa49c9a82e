import { bool, int, str } from '../http-util.js';
import { ApiError, toApiMessage } from '../messages.js';
import type { StoredMessage } from '../types.js';
import type { Channel, Workspace } from '../workspace.js';
import { type ApiMethod, decodeCursor, encodeCursor, requireChannel } from './context.js';

export function channelInfo(ws: Workspace, c: Channel): Record<string, unknown> {
  const created = Math.floor(c.created / 1000);
  if (c.isIm) {
    return {
      id: c.id,
      created,
      is_im: true,
      is_org_shared: false,
      user: c.user,
      is_user_deleted: false,
      priority: 0,
    };
  }
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    created,
    creator: '',
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: false,
    is_archived: false,
    is_general: false,
    is_shared: false,
    is_org_shared: false,
    is_member: c.botIsMember,
    context_team_id: ws.team.id,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

function page<T>(
  items: T[],
  params: Record<string, unknown>,
): { items: T[]; hasMore: boolean; next: string } {
  const limit = Math.min(Math.max(int(params, 'limit') ?? 100, 1), 999);
  const offset = decodeCursor(str(params, 'cursor'));
  const slice = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return { items: slice, hasMore, next: hasMore ? encodeCursor(offset + limit) : '' };
}

function inWindow(m: StoredMessage, params: Record<string, unknown>): boolean {
  const oldest = Number(str(params, 'oldest') ?? '0');
  const latestParam = str(params, 'latest');
  const latest = latestParam ? Number(latestParam) : Number.POSITIVE_INFINITY;
  const inclusive = bool(params, 'inclusive');
  const ts = Number(m.ts);
  return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
}

const history: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  const all = ctx.ws.messages.get(channel.id) ?? [];
  const topLevel = all
    .filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
    .filter((m) => inWindow(m, params))
    .reverse();
  const { items, hasMore, next } = page(topLevel, params);
  return {
    messages: items.map((m) => toApiMessage(ctx.ws, m)),
    has_more: hasMore,
    pin_count: 0,
    response_metadata: { next_cursor: next },
  };
};

const replies: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  const ts = str(params, 'ts');
  const message = ts ? ctx.ws.findMessage(channel.id, ts) : undefined;
  if (!message) throw new ApiError('thread_not_found');
  const root = message.thread_ts ?? message.ts;
  const all = (ctx.ws.messages.get(channel.id) ?? []).filter(
    (m) => (m.ts === root || m.thread_ts === root) && (m.ts === root || inWindow(m, params)),
  );
  const { items, hasMore, next } = page(all, params);
  return {
    messages: items.map((m) => toApiMessage(ctx.ws, m)),
    has_more: hasMore,
    response_metadata: { next_cursor: next },
  };
};

const info: ApiMethod = (ctx, params) => ({ channel: channelInfo(ctx.ws, requireChannel(ctx, params)) });

const open: ApiMethod = (ctx, params) => {
  const channelParam = str(params, 'channel');
  if (channelParam) {
    const channel = requireChannel(ctx, params);
    return { no_op: true, already_open: true, channel: { id: channel.id } };
  }
  const users = (str(params, 'users') ?? '').split(',').filter((u) => u !== '');
  if (users.length === 0) throw new ApiError('users_list_not_supplied');
  for (const u of users) if (!ctx.ws.users.has(u)) throw new ApiError('user_not_found');
  if (users.length > 1)
    throw new ApiError('not_supported', ['[ERROR] the emulator supports DMs with one user only']);
  const user = users[0] ?? '';
  const existed = [...ctx.ws.channels.values()].some((c) => c.isIm && c.user === user);
  const im = ctx.ws.imFor(user);
  const full = bool(params, 'return_im');
  return {
    no_op: existed,
    already_open: existed,
    channel: full ? channelInfo(ctx.ws, im) : { id: im.id },
  };
};

export const conversationMethods: Record<string, ApiMethod> = {
  'conversations.history': history,
  'conversations.replies': replies,
  'conversations.info': info,
  'conversations.open': open,
};
