import type { IncomingMessage, ServerResponse } from 'node:http';

/** A person (or bot) in the emulated workspace. */
export interface EmulatorUser {
  id: string;
  name: string;
  realName: string;
  isBot?: boolean;
  /** Free label shown in the UI user switcher, e.g. "approver". */
  role?: string;
}

export interface EmulatorChannel {
  id: string;
  name: string;
  /** Whether the app's bot is a member (default true); false makes chat.postMessage answer not_in_channel. */
  botIsMember?: boolean;
}

export interface RateLimitConfig {
  enabled: boolean;
  /** chat.postMessage per channel: sustained rate per second... */
  postMessagePerChannelPerSec: number;
  /** ...and how many may be sent at once before pacing applies. */
  burst: number;
  /** chat.update and chat.delete (Tier 3). */
  updatePerMin: number;
  tier2PerMin: number;
  tier3PerMin: number;
  tier4PerMin: number;
}

export interface EmulatorOptions {
  team?: { id: string; domain: string; name: string };
  users: EmulatorUser[];
  channels: EmulatorChannel[];
  usergroups?: { id: string; handle: string; users: string[] }[];
  botToken: string;
  signingSecret: string;
  /** The app's bot user. */
  botUser: { id: string; name: string };
  /** Where deliveries go (the bot's POST /slack/events URL); may be set later via setBotUrl. */
  botUrl?: string;
  /** Partial overrides of Slack-like defaults, or false to disable rate limiting. */
  rateLimits?: Partial<RateLimitConfig> | false;
  /** How long the bot has to answer a delivery (default 3000 ms, like Slack). */
  retryAfterMs?: number;
  /** Drives ts values, trigger and response_url expiry and rate limits (default Date.now). */
  clock?: () => number;
  /** Extra routes for the UI (e.g. the sandbox's fault panel); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  /** JavaScript appended to the UI page. */
  uiExtensionScript?: string;
  /** Bind address (default 127.0.0.1) and port (default 0: the OS chooses). */
  host?: string;
  port?: number;
  /** Continue a workspace saved by `save()` (channels, messages, files, App Homes). */
  restore?: SavedWorkspace;
}

export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  thread_ts?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  /**
   * The files shared with the message. Text files carry Slack's `preview` (their first lines),
   * `preview_is_truncated`, `lines` and `lines_more`, which Slack shows under the file name.
   */
  files?: {
    id: string;
    name: string;
    title: string;
    preview?: string;
    preview_is_truncated?: boolean;
    lines?: number;
    lines_more?: number;
  }[];
  edited?: { user: string; ts: string };
  /** For ephemeral messages: the only user who sees it. */
  ephemeralFor?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
}

export interface StoredView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  user: string;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  hash: string;
  state: { values: Record<string, Record<string, unknown>> };
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string | null;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  /** Field errors from the last view_submission answered with response_action "errors". */
  errors?: Record<string, string>;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  length: number;
  content: Buffer;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  created: number;
  completed: boolean;
}

export interface ApiCallRecord {
  method: string;
  at: number;
  ok: boolean;
  error?: string;
  channel?: string;
}

export interface DeliveryResult {
  /** The bot's HTTP status (0 when it did not answer in time or the connection failed). */
  status: number;
  body: string;
  /** Number of HTTP requests sent (retries included). */
  attempts: number;
  /** True when the bot did not answer within retryAfterMs (Slack then shows an error to the user). */
  timedOut: boolean;
  /** submitView only: errors the Slack client shows without sending anything (required fields left empty). */
  clientErrors?: Record<string, string>;
}

export interface SlackEmulator {
  /** http://127.0.0.1:PORT/ (UI at /, Web API at /api/<method>). */
  url: string;
  /** `${url}api/`: the bot's SLACK_API_URL / WebClient slackApiUrl. */
  apiUrl: string;
  setBotUrl(url: string): void;
  sendSlashCommand(args: {
    userId: string;
    channelId: string;
    command?: string;
    text: string;
  }): Promise<DeliveryResult>;
  /** Clicks a button (or picks an option of a select/overflow when selectedValue is given). */
  clickButton(args: {
    userId: string;
    channelId?: string;
    messageTs?: string;
    viewId?: string;
    actionId: string;
    blockId?: string;
    value?: string;
    selectedValue?: string;
  }): Promise<DeliveryResult>;
  submitView(args: {
    userId: string;
    viewId: string;
    values?: Record<string, Record<string, unknown>>;
  }): Promise<DeliveryResult>;
  closeView(args: { userId: string; viewId: string }): Promise<DeliveryResult>;
  /** Sends an Events API event_callback (retried up to 3 times like Slack when the bot is slow). */
  sendEvent(event: Record<string, unknown>): Promise<DeliveryResult>;
  /** A user posts a plain message (delivered to the bot as a `message` event). */
  postUserMessage(args: {
    userId: string;
    channelId: string;
    text: string;
    threadTs?: string;
  }): Promise<StoredMessage>;
  messages(channelId: string): StoredMessage[];
  thread(channelId: string, threadTs: string): StoredMessage[];
  ephemerals(userId: string): StoredMessage[];
  openViews(userId: string): StoredView[];
  homeView(userId: string): StoredView | undefined;
  files(): StoredFile[];
  apiCalls(): ApiCallRecord[];
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** The workspace's lasting content, for `restore` in a later emulator. */
  save(): SavedWorkspace;
  close(): Promise<void>;
}

/** A workspace's lasting content as plain JSON. Ephemeral messages, open modals and triggers do not last. */
export interface SavedWorkspace {
  readonly version: 1;
  readonly content: unknown;
}
