import { isRecord } from './http-util.js';
import { toApiMessage } from './messages.js';
import type { StoredMessage, StoredView } from './types.js';
import { toApiView } from './views.js';
import { type Channel, userPayload, type Workspace } from './workspace.js';

/** The legacy verification token Slack still sends in every payload. */
export const VERIFICATION_TOKEN = 'emulatorVerificationToken';

function channelName(channel: Channel): string {
  return channel.isIm ? 'directmessage' : channel.name;
}

/** Form body of a slash command, field for field as Slack sends it. */
export function slashCommandBody(
  ws: Workspace,
  args: {
    user: string;
    channel: Channel;
    command: string;
    text: string;
    responseUrl: string;
    triggerId: string;
  },
): string {
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: ws.team.id,
    team_domain: ws.team.domain,
    channel_id: args.channel.id,
    channel_name: channelName(args.channel),
    user_id: args.user,
    user_name: ws.users.get(args.user)?.name ?? args.user,
    command: args.command,
    text: args.text,
    api_app_id: ws.appId,
    is_enterprise_install: 'false',
    response_url: args.responseUrl,
    trigger_id: args.triggerId,
  }).toString();
}

/** Form body carrying an interactivity payload. */
export function interactivityBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function common(ws: Workspace, user: string, triggerId: string | undefined): Record<string, unknown> {
  return {
    user: userPayload(ws, user),
    api_app_id: ws.appId,
    token: VERIFICATION_TOKEN,
    team: { id: ws.team.id, domain: ws.team.domain },
    enterprise: null,
    is_enterprise_install: false,
    ...(triggerId ? { trigger_id: triggerId } : {}),
  };
}

/** Finds an interactive element by action_id (and block_id) in blocks, as the action payload describes it. */
export function findElement(
  blocks: unknown[] | undefined,
  actionId: string,
  blockId?: string,
): { blockId: string; element: Record<string, unknown> } | undefined {
  for (const block of blocks ?? []) {
    if (!isRecord(block)) continue;
    const id = typeof block.block_id === 'string' ? block.block_id : '';
    if (blockId !== undefined && id !== blockId) continue;
    const candidates = [
      ...(Array.isArray(block.elements) ? block.elements : []),
      block.accessory,
      block.element,
    ].filter(isRecord);
    const element = candidates.find((e) => e.action_id === actionId);
    if (element) return { blockId: id, element };
  }
  return undefined;
}

/** One entry of block_actions' `actions`. */
export function actionEntry(
  found: { blockId: string; element: Record<string, unknown> },
  actionTs: string,
  overrides: { value?: string; selectedOption?: Record<string, unknown> },
): Record<string, unknown> {
  const { element, blockId } = found;
  const entry: Record<string, unknown> = {
    action_id: element.action_id,
    block_id: blockId,
    type: element.type,
    action_ts: actionTs,
  };
  if (element.type === 'button') {
    entry.text = element.text;
    const value = overrides.value ?? element.value;
    if (value !== undefined) entry.value = value;
    if (element.style !== undefined) entry.style = element.style;
  } else if (overrides.selectedOption) {
    entry.selected_option = overrides.selectedOption;
    if (element.placeholder !== undefined) entry.placeholder = element.placeholder;
  } else if (overrides.value !== undefined) {
    entry.value = overrides.value;
  }
  return entry;
}

export function blockActionsFromMessage(
  ws: Workspace,
  args: {
    user: string;
    channel: Channel;
    message: StoredMessage;
    triggerId: string;
    responseUrl: string;
    actions: Record<string, unknown>[];
    stateValues: Record<string, unknown>;
  },
): Record<string, unknown> {
  const isEphemeral = args.message.ephemeralFor !== undefined;
  return {
    type: 'block_actions',
    ...common(ws, args.user, args.triggerId),
    container: {
      type: 'message',
      message_ts: args.message.ts,
      channel_id: args.channel.id,
      is_ephemeral: isEphemeral,
      ...(args.message.thread_ts ? { thread_ts: args.message.thread_ts } : {}),
    },
    channel: { id: args.channel.id, name: channelName(args.channel) },
    // Slack leaves the message out for ephemeral messages.
    ...(isEphemeral ? {} : { message: toApiMessage(ws, args.message) }),
    state: { values: args.stateValues },
    response_url: args.responseUrl,
    actions: args.actions,
  };
}

export function blockActionsFromView(
  ws: Workspace,
  args: { user: string; view: StoredView; triggerId: string; actions: Record<string, unknown>[] },
): Record<string, unknown> {
  return {
    type: 'block_actions',
    ...common(ws, args.user, args.triggerId),
    container: { type: 'view', view_id: args.view.id },
    view: toApiView(args.view),
    actions: args.actions,
  };
}

export function viewSubmissionPayload(
  ws: Workspace,
  args: { user: string; view: StoredView; triggerId: string },
): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...common(ws, args.user, args.triggerId),
    view: toApiView(args.view),
    response_urls: [],
  };
}

export function viewClosedPayload(
  ws: Workspace,
  args: { user: string; view: StoredView; isCleared: boolean },
): Record<string, unknown> {
  return {
    type: 'view_closed',
    ...common(ws, args.user, undefined),
    view: toApiView(args.view),
    is_cleared: args.isCleared,
  };
}

/** The Events API envelope around an event. */
export function eventEnvelope(
  ws: Workspace,
  event: Record<string, unknown>,
  eventId: string,
  eventTimeSec: number,
): Record<string, unknown> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: ws.team.id,
    context_team_id: ws.team.id,
    api_app_id: ws.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: eventTimeSec,
    authorizations: [
      {
        team_id: ws.team.id,
        user_id: ws.botUser.id,
        is_bot: true,
        is_enterprise_install: false,
        enterprise_id: null,
      },
    ],
    is_ext_shared_channel: false,
  };
}
