import { validateBlocks } from './blockkit.js';
import { jsonParam, type Params, str } from './http-util.js';
import type { StoredMessage } from './types.js';
import { type Channel, type Workspace, withThreadSummary } from './workspace.js';

/** A Web API error with Slack's error name (and, for invalid_blocks/invalid_arguments, the problems). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages?: string[],
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

export const MAX_TEXT_LENGTH = 40_000;

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** Reads text/blocks/attachments from Web API params (JSON strings when form-encoded) and validates them. */
export function parseContent(params: Params, requireContent: boolean): MessageContent {
  const text = str(params, 'text');
  const blocksParam = jsonParam(params, 'blocks');
  if (blocksParam === undefined) throw new ApiError('invalid_blocks_format');
  const attachmentsParam = jsonParam(params, 'attachments');
  if (attachmentsParam === undefined) throw new ApiError('invalid_attachments');
  const content: MessageContent = { text };
  if (blocksParam.value !== undefined && blocksParam.value !== null) {
    if (!Array.isArray(blocksParam.value)) throw new ApiError('invalid_blocks_format');
    content.blocks = blocksParam.value;
  }
  if (attachmentsParam.value !== undefined && attachmentsParam.value !== null) {
    if (!Array.isArray(attachmentsParam.value)) throw new ApiError('invalid_attachments');
    content.attachments = attachmentsParam.value;
  }
  return checkContent(content, requireContent);
}

/** Validates message content (blocks, length, presence) as Slack does; throws ApiError. */
export function checkContent(content: MessageContent, requireContent: boolean): MessageContent {
  if (content.blocks !== undefined) {
    const problems = validateBlocks(content.blocks, 'message');
    if (problems.length > 0) throw new ApiError('invalid_blocks', problems);
  }
  if (content.text !== undefined && content.text.length > MAX_TEXT_LENGTH) throw new ApiError('msg_too_long');
  const hasBlocks = (content.blocks?.length ?? 0) > 0;
  const hasAttachments = (content.attachments?.length ?? 0) > 0;
  if (requireContent && !content.text && !hasBlocks && !hasAttachments) throw new ApiError('no_text');
  return content;
}

/** Finds a conversation by id, by name (with or without #) or, for a user id, the bot's DM with that user. */
export function resolveChannel(ws: Workspace, ref: string | undefined): Channel | undefined {
  if (!ref) return undefined;
  const byId = ws.channels.get(ref);
  if (byId) return byId;
  if (/^[UW]/.test(ref) && ws.users.has(ref)) return ws.imFor(ref);
  const name = ref.replace(/^#/, '');
  for (const c of ws.channels.values()) if (!c.isIm && c.name === name) return c;
  return undefined;
}

/** The message as the Web API shows it (without emulator bookkeeping). */
export function toApiMessage(ws: Workspace, message: StoredMessage): Record<string, unknown> {
  const { channel: _channel, ephemeralFor: _for, ...rest } = withThreadSummary(ws, message);
  return { ...rest, team: ws.team.id };
}

function insertSorted(list: StoredMessage[], message: StoredMessage): void {
  list.push(message);
  list.sort((a, b) => Number(a.ts) - Number(b.ts));
}

export interface PostOptions {
  threadTs?: string;
  replyBroadcast?: boolean;
  metadata?: unknown;
  user?: string;
  files?: StoredMessage['files'];
}

/** Stores a new message (from the bot unless opts.user is given) and tells the UI. */
export function postMessage(
  ws: Workspace,
  channel: Channel,
  content: MessageContent,
  opts: PostOptions = {},
): StoredMessage {
  const list = ws.messages.get(channel.id) ?? [];
  ws.messages.set(channel.id, list);
  let threadTs: string | undefined;
  if (opts.threadTs) {
    const parent = list.find((m) => m.ts === opts.threadTs);
    if (!parent) throw new ApiError('invalid_thread_ts');
    threadTs = parent.thread_ts ?? parent.ts;
  }
  const message: StoredMessage = {
    type: 'message',
    channel: channel.id,
    ts: ws.nextTs(),
    text: content.text ?? '',
    ...(opts.user ? { user: opts.user } : { user: ws.botUser.id, bot_id: ws.botId, app_id: ws.appId }),
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(threadTs ? { thread_ts: threadTs } : {}),
    ...(threadTs && opts.replyBroadcast ? { subtype: 'thread_broadcast' } : {}),
    ...(opts.metadata !== undefined ? { metadata: opts.metadata } : {}),
    ...(opts.files ? { files: opts.files } : {}),
  };
  insertSorted(list, message);
  ws.emit({ type: 'messages', channel: channel.id });
  return message;
}

export function updateMessage(
  ws: Workspace,
  channelId: string,
  ts: string,
  content: MessageContent,
): StoredMessage {
  const list = ws.messages.get(channelId) ?? [];
  const index = list.findIndex((m) => m.ts === ts);
  const existing = list[index];
  if (!existing) throw new ApiError('message_not_found');
  if (existing.bot_id !== ws.botId) throw new ApiError('cant_update_message');
  const updated: StoredMessage = {
    ...existing,
    text: content.text ?? existing.text,
    edited: { user: ws.botUser.id, ts: ws.nextTs() },
  };
  // Slack keeps previous blocks when the field is omitted and removes them for an empty array.
  if (content.blocks !== undefined) updated.blocks = content.blocks;
  if (content.attachments !== undefined) updated.attachments = content.attachments;
  list[index] = updated;
  ws.emit({ type: 'messages', channel: channelId });
  return updated;
}

export function deleteMessage(ws: Workspace, channelId: string, ts: string): void {
  const list = ws.messages.get(channelId) ?? [];
  const index = list.findIndex((m) => m.ts === ts);
  const existing = list[index];
  if (!existing) throw new ApiError('message_not_found');
  if (existing.bot_id !== ws.botId) throw new ApiError('cant_delete_message');
  const hasReplies = list.some((m) => m.thread_ts === ts && m.ts !== ts);
  if (hasReplies) {
    list[index] = {
      type: 'message',
      channel: channelId,
      ts,
      subtype: 'tombstone',
      text: 'This message was deleted.',
    };
  } else {
    list.splice(index, 1);
  }
  ws.emit({ type: 'messages', channel: channelId });
}

export function postEphemeral(
  ws: Workspace,
  channel: Channel,
  userId: string,
  content: MessageContent,
  threadTs?: string,
): StoredMessage {
  const message: StoredMessage = {
    type: 'message',
    channel: channel.id,
    ts: ws.nextTs(),
    text: content.text ?? '',
    user: ws.botUser.id,
    bot_id: ws.botId,
    app_id: ws.appId,
    ephemeralFor: userId,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(threadTs ? { thread_ts: threadTs } : {}),
  };
  ws.ephemerals.push(message);
  ws.emit({ type: 'messages', channel: channel.id, user: userId });
  return message;
}

/** Replaces an ephemeral message in place (response_url replace_original on an ephemeral). */
export function replaceEphemeral(ws: Workspace, ts: string, content: MessageContent): StoredMessage {
  const index = ws.ephemerals.findIndex((m) => m.ts === ts);
  const existing = ws.ephemerals[index];
  if (!existing) throw new ApiError('message_not_found');
  const updated: StoredMessage = {
    ...existing,
    text: content.text ?? existing.text,
    ...(content.blocks !== undefined ? { blocks: content.blocks } : {}),
  };
  ws.ephemerals[index] = updated;
  ws.emit({ type: 'messages', channel: existing.channel, user: existing.ephemeralFor });
  return updated;
}

export function deleteEphemeral(ws: Workspace, ts: string): void {
  const index = ws.ephemerals.findIndex((m) => m.ts === ts);
  const existing = ws.ephemerals[index];
  if (!existing) throw new ApiError('message_not_found');
  ws.ephemerals.splice(index, 1);
  ws.emit({ type: 'messages', channel: existing.channel, user: existing.ephemeralFor });
}
