import type { ApiDeps } from './api/index.js';
import { clickButton, closeView, type InteractionDeps, sendEvent, sendSlashCommand } from './interactions.js';
import { createRateLimiter, resolveRateLimits } from './rate-limit.js';
import { listen } from './server.js';
import { postUserMessage, submitView } from './submit.js';
import { createTransport } from './transport.js';
import type { EmulatorOptions, SlackEmulator, StoredMessage } from './types.js';
import { createUiRoutes } from './ui-routes.js';
import { openModals } from './views.js';
import { createWorkspace } from './workspace.js';

export { defaultRateLimits } from './rate-limit.js';
export { signature } from './transport.js';
export type {
  ApiCallRecord,
  DeliveryResult,
  EmulatorChannel,
  EmulatorOptions,
  EmulatorUser,
  RateLimitConfig,
  SavedWorkspace,
  SlackEmulator,
  StoredFile,
  StoredMessage,
  StoredView,
} from './types.js';

const DEFAULT_WAIT_MS = 5000;
const POLL_MS = 20;

/** Starts the Slack workspace emulator: Web API at /api/, signed deliveries to the bot, browser UI at /. */
export async function startSlackEmulator(options: EmulatorOptions): Promise<SlackEmulator> {
  const clock = options.clock ?? Date.now;
  const ws = createWorkspace(options, clock, options.restore);
  let botUrl = options.botUrl;
  const transport = createTransport({
    botUrl: () => botUrl,
    signingSecret: options.signingSecret,
    timeoutMs: options.retryAfterMs ?? 3000,
  });
  const api: ApiDeps = {
    ws,
    baseUrl: '',
    botToken: options.botToken,
    limiter: createRateLimiter(resolveRateLimits(options.rateLimits)),
  };
  const deps: InteractionDeps & { extensionScript?: string } = {
    ws,
    transport,
    baseUrl: '',
    extensionScript: options.uiExtensionScript,
  };
  const listening = await listen(
    { api, ui: createUiRoutes(deps), extraRoutes: options.extraRoutes },
    options.host ?? '127.0.0.1',
    options.port ?? 0,
  );
  api.baseUrl = listening.url;
  deps.baseUrl = listening.url;

  const visible = (m: StoredMessage) => ({ ...m });
  let closed = false;

  return {
    url: listening.url,
    apiUrl: `${listening.url}api/`,
    setBotUrl(url) {
      botUrl = url;
    },
    sendSlashCommand: (args) => sendSlashCommand(deps, args),
    clickButton: (args) => clickButton(deps, args),
    submitView: (args) => submitView(deps, args),
    closeView: (args) => {
      const view = ws.views.get(args.viewId);
      if (!view || view.user !== args.userId) {
        return Promise.reject(new Error(`Slack emulator: no open view ${args.viewId} for ${args.userId}`));
      }
      return closeView(deps, view, false);
    },
    sendEvent: (event) => sendEvent(deps, event),
    postUserMessage: async (args) => postUserMessage(deps, args),
    messages: (channelId) => (ws.messages.get(channelId) ?? []).map(visible),
    thread: (channelId, threadTs) =>
      (ws.messages.get(channelId) ?? [])
        .filter((m) => m.ts === threadTs || m.thread_ts === threadTs)
        .map(visible),
    ephemerals: (userId) => ws.ephemerals.filter((m) => m.ephemeralFor === userId).map(visible),
    openViews: (userId) => openModals(ws, userId).map((v) => ({ ...v })),
    homeView: (userId) => {
      const id = ws.homes.get(userId);
      const view = id ? ws.views.get(id) : undefined;
      return view ? { ...view } : undefined;
    },
    files: () => [...ws.files.values()].map((f) => ({ ...f })),
    apiCalls: () => ws.calls.map((c) => ({ ...c })),
    waitFor: async <T>(predicate: () => T | undefined | null | false, timeoutMs = DEFAULT_WAIT_MS) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value !== undefined && value !== null && value !== false) return value;
        if (closed) throw new Error('Slack emulator: waitFor called after close()');
        if (Date.now() > deadline) {
          throw new Error(
            `Slack emulator: waitFor timed out after ${timeoutMs} ms waiting for ${predicate.toString()}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    save: () => ws.save(),
    close: async () => {
      closed = true;
      transport.abortAll();
      await listening.close();
    },
  };
}
