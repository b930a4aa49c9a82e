import { isRecord } from './http-util.js';
import { ApiError, resolveChannel } from './messages.js';
import {
  actionEntry,
  blockActionsFromMessage,
  blockActionsFromView,
  eventEnvelope,
  findElement,
  interactivityBody,
  slashCommandBody,
  viewClosedPayload,
} from './payloads.js';
import { applyResponse, issueResponseUrl } from './response-url.js';
import type { Transport } from './transport.js';
import type { DeliveryResult, StoredMessage, StoredView } from './types.js';
import { initialState } from './view-state.js';
import type { Channel, Workspace } from './workspace.js';

export interface InteractionDeps {
  ws: Workspace;
  transport: Transport;
  baseUrl: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** Tells the person in the UI what Slack would show them when the app fails. */
export function notice(ws: Workspace, user: string, text: string, channel?: string): void {
  ws.emit({ type: 'notice', user, text, ...(channel ? { channel } : {}) });
}

export function failureText(what: string, result: DeliveryResult): string | undefined {
  if (result.timedOut) return `${what} failed with the error "operation_timeout"`;
  if (result.attempts === 0) return `${what} failed with the error "dispatch_failed" (no app URL configured)`;
  if (result.status === 0) return `${what} failed with the error "dispatch_failed"`;
  if (result.status < 200 || result.status >= 300)
    return `${what} failed with the error "http_error" (${result.status})`;
  return undefined;
}

function requireChannel(ws: Workspace, id: string): Channel {
  const channel = resolveChannel(ws, id);
  if (!channel) throw new Error(`Slack emulator: no channel ${id}`);
  return channel;
}

function requireUser(ws: Workspace, id: string): void {
  if (!ws.users.has(id)) throw new Error(`Slack emulator: no user ${id}`);
}

export async function sendSlashCommand(
  deps: InteractionDeps,
  args: { userId: string; channelId: string; command?: string; text: string },
): Promise<DeliveryResult> {
  const { ws } = deps;
  requireUser(ws, args.userId);
  const channel = requireChannel(ws, args.channelId);
  const command = args.command ?? '/dr';
  const responseUrl = issueResponseUrl(ws, deps.baseUrl, {
    user: args.userId,
    channel: channel.id,
    isEphemeral: true,
  });
  const triggerId = ws.issueTrigger(args.userId);
  const body = slashCommandBody(ws, {
    user: args.userId,
    channel,
    command,
    text: args.text,
    responseUrl,
    triggerId,
  });
  const result = await deps.transport.deliver('interactive', body, FORM);
  const failure = failureText(command, result);
  if (failure) {
    notice(ws, args.userId, failure, channel.id);
    return result;
  }
  if (result.body.trim() !== '') {
    // The HTTP answer to a command is a message: JSON like a response_url body, or plain text.
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(result.body);
      message = isRecord(parsed) ? parsed : { text: result.body };
    } catch {
      message = { text: result.body };
    }
    try {
      applyResponse(
        ws,
        { user: args.userId, channel: channel.id, isEphemeral: true, issuedAt: ws.now(), uses: 0 },
        message,
      );
    } catch (err) {
      const code = err instanceof ApiError ? err.code : String(err);
      notice(ws, args.userId, `${command} failed with the error "${code}"`, channel.id);
    }
  }
  return result;
}

function findMessage(ws: Workspace, channelId: string | undefined, ts: string): StoredMessage | undefined {
  const ephemeral = ws.ephemerals.find((m) => m.ts === ts && (!channelId || m.channel === channelId));
  if (ephemeral) return ephemeral;
  if (channelId) return ws.findMessage(channelId, ts);
  for (const list of ws.messages.values()) {
    const found = list.find((m) => m.ts === ts);
    if (found) return found;
  }
  return undefined;
}

export interface ActionArgs {
  userId: string;
  channelId?: string;
  messageTs?: string;
  viewId?: string;
  actionId: string;
  blockId?: string;
  value?: string;
  selectedValue?: string;
}

function selectedOption(
  element: Record<string, unknown>,
  value: string | undefined,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const options = [
    ...(Array.isArray(element.options) ? element.options : []),
    ...(Array.isArray(element.option_groups)
      ? element.option_groups.flatMap((g) => (isRecord(g) && Array.isArray(g.options) ? g.options : []))
      : []),
  ].filter(isRecord);
  return options.find((o) => o.value === value) ?? { text: { type: 'plain_text', text: value }, value };
}

/** A click on a button (or a pick in a select/overflow) in a message or a view. */
export async function clickButton(deps: InteractionDeps, args: ActionArgs): Promise<DeliveryResult> {
  const { ws } = deps;
  requireUser(ws, args.userId);
  const actionTs = ws.nextTs();
  let payload: Record<string, unknown>;
  if (args.viewId) {
    const view = ws.views.get(args.viewId);
    if (!view) throw new Error(`Slack emulator: no open view ${args.viewId}`);
    const found = findElement(view.blocks, args.actionId, args.blockId);
    if (!found) throw new Error(`Slack emulator: no element ${args.actionId} in view ${args.viewId}`);
    const action = actionEntry(found, actionTs, {
      value: args.value,
      selectedOption: selectedOption(found.element, args.selectedValue),
    });
    payload = blockActionsFromView(ws, {
      user: args.userId,
      view,
      triggerId: ws.issueTrigger(args.userId),
      actions: [action],
    });
  } else {
    if (!args.messageTs) throw new Error('Slack emulator: clickButton needs messageTs or viewId');
    const message = findMessage(ws, args.channelId, args.messageTs);
    if (!message) throw new Error(`Slack emulator: no message ${args.messageTs}`);
    const found = findElement(message.blocks, args.actionId, args.blockId);
    if (!found) throw new Error(`Slack emulator: no element ${args.actionId} in message ${args.messageTs}`);
    const channel = requireChannel(ws, message.channel);
    const isEphemeral = message.ephemeralFor !== undefined;
    const responseUrl = issueResponseUrl(ws, deps.baseUrl, {
      user: args.userId,
      channel: channel.id,
      messageTs: message.ts,
      isEphemeral,
      ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
    });
    const action = actionEntry(found, actionTs, {
      value: args.value,
      selectedOption: selectedOption(found.element, args.selectedValue),
    });
    payload = blockActionsFromMessage(ws, {
      user: args.userId,
      channel,
      message,
      triggerId: ws.issueTrigger(args.userId),
      responseUrl,
      actions: [action],
      stateValues: initialState(message.blocks ?? []),
    });
  }
  const result = await deps.transport.deliver('interactive', interactivityBody(payload), FORM);
  const failure = failureText('The app', result);
  if (failure) notice(ws, args.userId, failure, args.channelId);
  return result;
}

export async function sendEvent(
  deps: InteractionDeps,
  event: Record<string, unknown>,
): Promise<DeliveryResult> {
  const { ws } = deps;
  const envelope = eventEnvelope(
    ws,
    { event_ts: ws.nextTs(), ...event },
    ws.nextId('Ev'),
    Math.floor(ws.now() / 1000),
  );
  return deps.transport.deliver('event', JSON.stringify(envelope), 'application/json');
}

export async function closeView(
  deps: InteractionDeps,
  view: StoredView,
  all: boolean,
): Promise<DeliveryResult> {
  const { ws } = deps;
  let result: DeliveryResult = { status: 0, body: '', attempts: 0, timedOut: false };
  if (view.notify_on_close) {
    const payload = viewClosedPayload(ws, { user: view.user, view, isCleared: all });
    result = await deps.transport.deliver('interactive', interactivityBody(payload), FORM);
  }
  const stack = ws.modalStacks.get(view.user) ?? [];
  const index = stack.indexOf(view.id);
  const removed = all ? stack.splice(0) : index >= 0 ? stack.splice(index) : [];
  for (const id of removed) ws.views.delete(id);
  ws.emit({ type: 'views', user: view.user });
  return result;
}
