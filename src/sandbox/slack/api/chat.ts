import { bool, jsonParam, str } from '../http-util.js';
import {
  ApiError,
  deleteMessage,
  parseContent,
  postEphemeral,
  postMessage,
  toApiMessage,
  updateMessage,
} from '../messages.js';
import { type ApiMethod, permalink, requireChannel, requireUser } from './context.js';

const postMessageMethod: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  if (!channel.botIsMember) throw new ApiError('not_in_channel');
  const content = parseContent(params, true);
  const metadata = jsonParam(params, 'metadata');
  if (metadata === undefined) throw new ApiError('invalid_metadata_format');
  const message = postMessage(ctx.ws, channel, content, {
    threadTs: str(params, 'thread_ts'),
    replyBroadcast: bool(params, 'reply_broadcast'),
    metadata: metadata.value ?? undefined,
  });
  return { channel: channel.id, ts: message.ts, message: toApiMessage(ctx.ws, message) };
};

const update: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  const ts = str(params, 'ts');
  if (!ts) throw new ApiError('message_not_found');
  const content = parseContent(params, true);
  const message = updateMessage(ctx.ws, channel.id, ts, content);
  return { channel: channel.id, ts, text: message.text, message: toApiMessage(ctx.ws, message) };
};

const ephemeral: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  const user = requireUser(ctx, str(params, 'user'));
  if (!channel.botIsMember) throw new ApiError('not_in_channel');
  if (channel.isIm && channel.user !== user) throw new ApiError('user_not_in_channel');
  const content = parseContent(params, true);
  const message = postEphemeral(ctx.ws, channel, user, content, str(params, 'thread_ts'));
  return { message_ts: message.ts };
};

const remove: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  const ts = str(params, 'ts');
  if (!ts) throw new ApiError('message_not_found');
  deleteMessage(ctx.ws, channel.id, ts);
  return { channel: channel.id, ts };
};

const getPermalink: ApiMethod = (ctx, params) => {
  const channel = requireChannel(ctx, params);
  const ts = str(params, 'message_ts');
  const message = ts ? ctx.ws.findMessage(channel.id, ts) : undefined;
  if (!message || !ts) throw new ApiError('message_not_found');
  return { channel: channel.id, permalink: permalink(ctx, channel.id, ts, message.thread_ts) };
};

export const chatMethods: Record<string, ApiMethod> = {
  'chat.postMessage': postMessageMethod,
  'chat.update': update,
  'chat.postEphemeral': ephemeral,
  'chat.delete': remove,
  'chat.getPermalink': getPermalink,
};
