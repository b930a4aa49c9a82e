import { extname } from 'node:path';
import { int, isRecord, jsonParam, str } from '../http-util.js';
import { ApiError, checkContent, postMessage } from '../messages.js';
import type { StoredFile } from '../types.js';
import { type ApiContext, type ApiMethod, permalink, requireChannel } from './context.js';

const mimeTypes: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.html': 'text/html',
  '.yml': 'text/yaml',
  '.yaml': 'text/yaml',
};

export function mimeType(name: string): string {
  return mimeTypes[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** How many lines of a text file its preview shows. Slack's documentation gives no figure; a short excerpt, as Slack shows. */
export const PREVIEW_LINES = 8;

/**
 * The preview fields Slack's file object has for text files (`preview`, `preview_is_truncated`, `lines`,
 * `lines_more`: the File type of @slack/web-api's FilesInfoResponse); none for other types.
 */
export function textPreview(f: Pick<StoredFile, 'name' | 'content'>): {
  preview?: string;
  preview_is_truncated?: boolean;
  lines?: number;
  lines_more?: number;
} {
  const type = mimeType(f.name);
  if (!type.startsWith('text/') && type !== 'application/json') return {};
  const all = f.content.toString('utf8').replace(/\n$/, '').split('\n');
  const shown = all.slice(0, PREVIEW_LINES);
  return {
    preview: shown.join('\n'),
    preview_is_truncated: all.length > shown.length,
    lines: all.length,
    lines_more: all.length - shown.length,
  };
}

export function fileInfo(ctx: ApiContext, f: StoredFile): Record<string, unknown> {
  const url = `${ctx.baseUrl}_ui/files/${f.id}`;
  return {
    id: f.id,
    created: Math.floor(f.created / 1000),
    timestamp: Math.floor(f.created / 1000),
    name: f.name,
    title: f.title,
    mimetype: mimeType(f.name),
    filetype: extname(f.name).replace('.', '') || 'binary',
    user: ctx.ws.botUser.id,
    size: f.length,
    url_private: url,
    url_private_download: url,
    permalink: f.channel ? permalink(ctx, f.channel, f.thread_ts ?? '0.0') : url,
    channels: f.channel ? [f.channel] : [],
    ...textPreview(f),
  };
}

const getUploadUrl: ApiMethod = (ctx, params) => {
  const filename = str(params, 'filename');
  const length = int(params, 'length');
  if (!filename || length === undefined || length < 0) {
    throw new ApiError('invalid_arguments', ['[ERROR] filename and length are required']);
  }
  const id = ctx.ws.nextId('F');
  ctx.ws.files.set(id, {
    id,
    name: filename,
    title: filename,
    length,
    content: Buffer.alloc(0),
    created: ctx.ws.now(),
    completed: false,
  });
  return { upload_url: `${ctx.baseUrl}_upload/${id}`, file_id: id };
};

const complete: ApiMethod = (ctx, params) => {
  const filesParam = jsonParam(params, 'files');
  if (!filesParam || !Array.isArray(filesParam.value) || filesParam.value.length === 0) {
    throw new ApiError('invalid_arguments', ['[ERROR] files must be a non-empty JSON array']);
  }
  const entries = filesParam.value.filter(isRecord);
  const files = entries.map((e) => {
    const f = typeof e.id === 'string' ? ctx.ws.files.get(e.id) : undefined;
    if (!f) throw new ApiError('file_not_found');
    if (f.completed) throw new ApiError('file_not_found');
    return { file: f, title: typeof e.title === 'string' ? e.title : f.name };
  });
  const channel = params.channel_id !== undefined ? requireChannel(ctx, params, 'channel_id') : undefined;
  if (channel && !channel.botIsMember) throw new ApiError('not_in_channel');
  const blocks = jsonParam(params, 'blocks');
  if (blocks === undefined) throw new ApiError('invalid_blocks_format');
  const content = checkContent(
    {
      text: str(params, 'initial_comment') ?? '',
      ...(Array.isArray(blocks.value) ? { blocks: blocks.value } : {}),
    },
    false,
  );
  const threadTs = str(params, 'thread_ts');
  if (channel) {
    postMessage(ctx.ws, channel, content, {
      threadTs,
      files: files.map(({ file, title }) => ({ id: file.id, name: file.name, title, ...textPreview(file) })),
    });
  }
  for (const { file, title } of files) {
    file.title = title;
    file.completed = true;
    if (channel) {
      file.channel = channel.id;
      file.initial_comment = content.text;
      if (threadTs) file.thread_ts = threadTs;
    }
  }
  return { files: files.map(({ file }) => fileInfo(ctx, file)) };
};

export const fileMethods: Record<string, ApiMethod> = {
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': complete,
};

/** Stores the bytes sent to an upload_url: raw body or a multipart form's first file. */
export function storeUpload(
  ctx: ApiContext,
  fileId: string,
  body: Buffer,
  fields?: Record<string, unknown>,
): boolean {
  const file = ctx.ws.files.get(fileId);
  if (!file || file.completed) return false;
  const fromForm = fields ? Object.values(fields).find((v): v is Buffer => Buffer.isBuffer(v)) : undefined;
  file.content = fromForm ?? body;
  file.length = file.content.length;
  return true;
}
