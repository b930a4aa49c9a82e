import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { SubcommandContext } from '../../handlers/commands/subcommand.js';

export interface UploadedFile {
  readonly fileId: string;
  readonly filename: string;
  readonly content: string;
  /** Arguments of files.completeUploadExternal. */
  readonly completed?: Record<string, string>;
}

export interface FakeSlack {
  readonly client: WebClient;
  readonly uploads: UploadedFile[];
  /** Every Web API method called, in order. */
  readonly calls: string[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * The few Web API methods files.uploadV2 and the audit commands use, on 127.0.0.1: conversations.open,
 * usergroups.users.list, files.getUploadURLExternal, the upload URL itself and files.completeUploadExternal.
 */
export async function startFakeSlack(
  options: { usergroups?: Record<string, string[]> } = {},
): Promise<FakeSlack> {
  const uploads: UploadedFile[] = [];
  const calls: string[] = [];
  const pending = new Map<string, { filename: string }>();
  let next = 1;
  let base = '';
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const body = await readBody(req);
    const json = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      const form = await new Request(url, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body,
      }).formData();
      const part = form.get('body');
      const content = part instanceof Blob ? await part.text() : String(part);
      uploads.push({ fileId, filename: pending.get(fileId)?.filename ?? '', content });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`OK - ${content.length}`);
    }
    const method = url.pathname.replace('/api/', '');
    calls.push(method);
    const args = Object.fromEntries(new URLSearchParams(body.toString()));
    if (method === 'conversations.open') return json({ ok: true, channel: { id: `D${args.users}` } });
    if (method === 'usergroups.users.list') {
      const users = options.usergroups?.[args.usergroup ?? ''];
      return json(users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' });
    }
    if (method === 'files.getUploadURLExternal') {
      const fileId = `F${next++}`;
      pending.set(fileId, { filename: args.filename ?? '' });
      return json({ ok: true, file_id: fileId, upload_url: `${base}upload/${fileId}` });
    }
    if (method === 'files.completeUploadExternal') {
      const files = JSON.parse(args.files ?? '[]') as { id: string; title?: string }[];
      for (const f of files) {
        const i = uploads.findIndex((u) => u.fileId === f.id);
        if (i >= 0) uploads[i] = { ...(uploads[i] as UploadedFile), completed: args };
      }
      return json({ ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) });
    }
    return json({ ok: false, error: 'unknown_method' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const client = new WebClient('xoxb-test', { slackApiUrl: `${base}api/`, retryConfig: { retries: 0 } });
  return {
    client,
    uploads,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A SubcommandContext whose respond() records what it was given. */
export function commandContext(client: WebClient, userId: string, args: readonly string[]) {
  const responses: RespondArguments[] = [];
  const respond: RespondFn = async (message) => {
    responses.push(typeof message === 'string' ? { text: message } : message);
    return new Response('ok');
  };
  const ctx: SubcommandContext = {
    args,
    rest: args.join(' '),
    userId,
    channelId: 'C0PAYMENTS',
    teamId: 'T0TEAM',
    triggerId: 'trigger',
    respond,
    client,
  };
  return { ctx, responses };
}
