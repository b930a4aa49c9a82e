import { decode, encode } from '../persist.js';
import type {
  ApiCallRecord,
  EmulatorOptions,
  EmulatorUser,
  SavedWorkspace,
  StoredFile,
  StoredMessage,
  StoredView,
} from './types.js';

export interface Channel {
  id: string;
  name: string;
  isIm: boolean;
  /** For a DM: the human on the other side of the bot. */
  user?: string;
  botIsMember: boolean;
  created: number;
}

export interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

export interface ResponseUrl {
  user: string;
  channel: string;
  /** The message an interaction came from (for replace_original / delete_original). */
  messageTs?: string;
  isEphemeral: boolean;
  threadTs?: string;
  issuedAt: number;
  uses: number;
}

/** Something changed that the UI may want to re-read. */
export interface UiEvent {
  type: 'messages' | 'views' | 'home' | 'notice';
  channel?: string;
  user?: string;
  text?: string;
}

export interface Workspace {
  readonly team: { id: string; domain: string; name: string };
  readonly users: Map<string, EmulatorUser>;
  readonly channels: Map<string, Channel>;
  readonly usergroups: Map<string, { id: string; handle: string; users: string[] }>;
  readonly botUser: { id: string; name: string };
  readonly botId: string;
  readonly appId: string;
  /** Top-level messages and replies per channel, in ts order. */
  readonly messages: Map<string, StoredMessage[]>;
  readonly ephemerals: StoredMessage[];
  readonly views: Map<string, StoredView>;
  /** Modal stack per user (view ids, root first). */
  readonly modalStacks: Map<string, string[]>;
  readonly homes: Map<string, string>;
  readonly files: Map<string, StoredFile>;
  readonly triggers: Map<string, Trigger>;
  readonly responseUrls: Map<string, ResponseUrl>;
  readonly calls: ApiCallRecord[];
  now(): number;
  nextTs(): string;
  nextId(prefix: string): string;
  /** The DM channel between the bot and a user, created on first use. */
  imFor(userId: string): Channel;
  findMessage(channel: string, ts: string): StoredMessage | undefined;
  issueTrigger(user: string): string;
  emit(event: UiEvent): void;
  subscribe(listener: (event: UiEvent) => void): () => void;
  /** What a restarted workspace keeps (`npm start -- --keep`): channels, messages, files, App Homes, id counters. */
  save(): SavedWorkspace;
}

export function createWorkspace(
  options: EmulatorOptions,
  clock: () => number,
  saved?: SavedWorkspace,
): Workspace {
  const team = options.team ?? { id: 'T0LIFEBOAT', domain: 'lifeboat-sandbox', name: 'Lifeboat Sandbox' };
  const users = new Map<string, EmulatorUser>();
  for (const u of options.users) users.set(u.id, u);
  if (!users.has(options.botUser.id)) {
    users.set(options.botUser.id, {
      id: options.botUser.id,
      name: options.botUser.name,
      realName: options.botUser.name,
      isBot: true,
    });
  }
  const channels = new Map<string, Channel>();
  const start = clock();
  for (const c of options.channels) {
    channels.set(c.id, {
      id: c.id,
      name: c.name,
      isIm: false,
      botIsMember: c.botIsMember ?? true,
      created: start,
    });
  }
  const usergroups = new Map((options.usergroups ?? []).map((g) => [g.id, g] as const));
  const listeners = new Set<(event: UiEvent) => void>();
  let lastMicros = 0;
  let counter = 0;

  const ws: Workspace = {
    team,
    users,
    channels,
    usergroups,
    botUser: options.botUser,
    botId: 'B0LIFEBOAT',
    appId: 'A0LIFEBOAT',
    messages: new Map(),
    ephemerals: [],
    views: new Map(),
    modalStacks: new Map(),
    homes: new Map(),
    files: new Map(),
    triggers: new Map(),
    responseUrls: new Map(),
    calls: [],
    now: clock,
    nextTs() {
      lastMicros = Math.max(Math.floor(clock() * 1000), lastMicros + 1);
      const secs = Math.floor(lastMicros / 1_000_000);
      return `${secs}.${String(lastMicros % 1_000_000).padStart(6, '0')}`;
    },
    nextId(prefix) {
      counter += 1;
      return `${prefix}0EMU${counter.toString(36).toUpperCase().padStart(4, '0')}`;
    },
    imFor(userId) {
      for (const c of channels.values()) if (c.isIm && c.user === userId) return c;
      const im: Channel = {
        id: ws.nextId('D'),
        name: userId,
        isIm: true,
        user: userId,
        botIsMember: true,
        created: clock(),
      };
      channels.set(im.id, im);
      return im;
    },
    findMessage(channel, ts) {
      return ws.messages.get(channel)?.find((m) => m.ts === ts);
    },
    issueTrigger(user) {
      const id = `${Math.floor(clock() / 1000)}.${counter + 1}.${ws.nextId('t').toLowerCase()}`;
      ws.triggers.set(id, { user, issuedAt: clock(), used: false });
      return id;
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    save() {
      const homeIds = new Set(ws.homes.values());
      return {
        version: 1,
        content: encode({
          channels: ws.channels,
          messages: ws.messages,
          files: ws.files,
          homes: ws.homes,
          views: new Map([...ws.views].filter(([id]) => homeIds.has(id))),
          counter,
          lastMicros,
        }),
      };
    },
  };
  if (saved)
    restoreWorkspace(ws, saved, (c, micros) => {
      counter = c;
      lastMicros = micros;
    });
  return ws;
}

/** Slack-shaped copy of a message with thread summary fields filled in. */
export function withThreadSummary(ws: Workspace, message: StoredMessage): StoredMessage {
  const all = ws.messages.get(message.channel) ?? [];
  const replies = all.filter((m) => m.thread_ts === message.ts && m.ts !== message.ts);
  if (replies.length === 0) return { ...message };
  return {
    ...message,
    thread_ts: message.ts,
    reply_count: replies.length,
    reply_users: [...new Set(replies.map((r) => r.user ?? r.bot_id ?? ''))],
    latest_reply: replies[replies.length - 1]?.ts,
  };
}

export function userPayload(
  ws: Workspace,
  userId: string,
): { id: string; username: string; name: string; team_id: string } {
  const u = ws.users.get(userId);
  return { id: userId, username: u?.name ?? userId, name: u?.name ?? userId, team_id: ws.team.id };
}

function restoreWorkspace(
  ws: Workspace,
  saved: SavedWorkspace,
  counters: (counter: number, micros: number) => void,
) {
  const content = decode(saved.content) as {
    channels?: Map<string, Channel>;
    messages?: Map<string, StoredMessage[]>;
    files?: Map<string, StoredFile>;
    homes?: Map<string, string>;
    views?: Map<string, StoredView>;
    counter?: number;
    lastMicros?: number;
  };
  // Configured channels keep their configuration; DMs and everything posted come back.
  for (const [id, channel] of content.channels ?? []) if (!ws.channels.has(id)) ws.channels.set(id, channel);
  for (const [id, list] of content.messages ?? []) ws.messages.set(id, list);
  for (const [id, file] of content.files ?? []) ws.files.set(id, file);
  for (const [user, id] of content.homes ?? []) ws.homes.set(user, id);
  for (const [id, view] of content.views ?? []) ws.views.set(id, view);
  counters(content.counter ?? 0, content.lastMicros ?? 0);
}
