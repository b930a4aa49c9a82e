import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, readBody, sendJson, sendText } from './http-util.js';
import { clickButton, closeView, type InteractionDeps, sendSlashCommand } from './interactions.js';
import { toApiMessage } from './messages.js';
import { openHome, postUserMessage, submitView } from './submit.js';
import type { StoredMessage } from './types.js';
import { loadUiAssets, type UiAssets } from './ui-assets.js';
import { openModals } from './views.js';
import type { Workspace } from './workspace.js';

export interface UiDeps extends InteractionDeps {
  extensionScript?: string;
}

function visibleMessages(ws: Workspace, channel: string, user: string): Record<string, unknown>[] {
  const shared = ws.messages.get(channel) ?? [];
  const own = ws.ephemerals.filter((m) => m.channel === channel && m.ephemeralFor === user);
  const all: StoredMessage[] = [...shared, ...own].sort((a, b) => Number(a.ts) - Number(b.ts));
  return all.map((m) => ({
    ...toApiMessage(ws, m),
    channel,
    ...(m.ephemeralFor ? { ephemeral: true } : {}),
  }));
}

function state(deps: UiDeps, user: string): Record<string, unknown> {
  const { ws } = deps;
  const humans = [...ws.users.values()].filter((u) => !u.isBot);
  return {
    team: ws.team,
    bot: { id: ws.botUser.id, name: ws.botUser.name },
    users: [...ws.users.values()].map((u) => ({
      id: u.id,
      name: u.name,
      realName: u.realName,
      isBot: u.isBot === true,
      role: u.role ?? null,
    })),
    channels: [...ws.channels.values()].filter((c) => !c.isIm).map((c) => ({ id: c.id, name: c.name })),
    dm: humans.some((u) => u.id === user) ? ws.imFor(user).id : null,
    usergroups: [...ws.usergroups.values()].map((g) => ({ id: g.id, handle: g.handle })),
  };
}

function serveEvents(ws: Workspace, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const unsubscribe = ws.subscribe((event) => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString('utf8');
  const parsed: unknown = text === '' ? {} : JSON.parse(text);
  return isRecord(parsed) ? parsed : {};
}

function s(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function post(deps: UiDeps, action: string, body: Record<string, unknown>): Promise<unknown> {
  const user = s(body, 'user') ?? '';
  switch (action) {
    case 'command': {
      const text = s(body, 'text') ?? '';
      const channel = s(body, 'channel') ?? '';
      const match = /^(\/\S+)\s*([\s\S]*)$/.exec(text);
      if (match?.[1]) {
        return sendSlashCommand(deps, {
          userId: user,
          channelId: channel,
          command: match[1],
          text: match[2] ?? '',
        });
      }
      return postUserMessage(deps, { userId: user, channelId: channel, text, threadTs: s(body, 'threadTs') });
    }
    case 'action':
      return clickButton(deps, {
        userId: user,
        channelId: s(body, 'channel'),
        messageTs: s(body, 'ts'),
        viewId: s(body, 'viewId'),
        actionId: s(body, 'actionId') ?? '',
        blockId: s(body, 'blockId'),
        value: s(body, 'value'),
        selectedValue: s(body, 'selectedValue'),
      });
    case 'submit':
      return submitView(deps, {
        userId: user,
        viewId: s(body, 'viewId') ?? '',
        values: isRecord(body.values) ? (body.values as Record<string, Record<string, unknown>>) : undefined,
      });
    case 'close': {
      const view = deps.ws.views.get(s(body, 'viewId') ?? '');
      if (!view) return { ok: false };
      return closeView(deps, view, body.all === true);
    }
    case 'home':
      return openHome(deps, user);
    default:
      return undefined;
  }
}

/** The browser UI: the page, its assets and the small JSON API under /_ui/. */
export function createUiRoutes(
  deps: UiDeps,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  let assets: UiAssets | undefined;
  return async (req, res, url) => {
    const path = url.pathname;
    const q = url.searchParams;
    const user = q.get('user') ?? '';
    assets ??= await loadUiAssets(deps.extensionScript);
    if (req.method === 'GET') {
      if (path === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return true;
      }
      if (path === '/' || path.startsWith('/archives/')) {
        sendText(res, 200, assets.page, 'text/html');
        return true;
      }
      const asset = path.startsWith('/_ui/static/')
        ? assets.files.get(path.slice('/_ui/static/'.length))
        : undefined;
      if (asset) {
        sendText(res, 200, asset.body, asset.type);
        return true;
      }
      switch (path) {
        case '/_ui/events':
          serveEvents(deps.ws, req, res);
          return true;
        case '/_ui/state':
          sendJson(res, 200, state(deps, user));
          return true;
        case '/_ui/messages':
          sendJson(res, 200, { messages: visibleMessages(deps.ws, q.get('channel') ?? '', user) });
          return true;
        case '/_ui/views': {
          const homeId = deps.ws.homes.get(user);
          sendJson(res, 200, {
            stack: openModals(deps.ws, user),
            home: homeId ? deps.ws.views.get(homeId) : null,
          });
          return true;
        }
      }
      const fileMatch = /^\/_ui\/files\/([^/]+)$/.exec(path);
      const file = fileMatch?.[1] ? deps.ws.files.get(decodeURIComponent(fileMatch[1])) : undefined;
      if (file) {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
        });
        res.end(file.content);
        return true;
      }
      return false;
    }
    if (req.method === 'POST' && path.startsWith('/_ui/')) {
      const body = await jsonBody(req);
      try {
        const result = await post(deps, path.slice('/_ui/'.length), body);
        if (result === undefined) return false;
        sendJson(res, 200, { ok: true, result });
      } catch (err) {
        sendJson(res, 200, { ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      return true;
    }
    return false;
  };
}
