import { isRecord } from './http-util.js';
import { failureText, type InteractionDeps, notice, sendEvent } from './interactions.js';
import { ApiError, postMessage, resolveChannel } from './messages.js';
import { interactivityBody, viewSubmissionPayload } from './payloads.js';
import type { DeliveryResult, StoredMessage } from './types.js';
import { mergeState, requiredErrors } from './view-state.js';
import { checkView, closeModal, pushModal, replaceView } from './views.js';

export type SubmitResult = DeliveryResult;

function setErrors(deps: InteractionDeps, viewId: string, errors: Record<string, string> | undefined): void {
  const view = deps.ws.views.get(viewId);
  if (!view) return;
  if (errors) view.errors = errors;
  else delete view.errors;
  deps.ws.emit({ type: 'views', user: view.user });
}

/** Applies a view_submission answer: response_action errors, update, push or clear; empty closes the view. */
function applySubmissionAnswer(deps: InteractionDeps, viewId: string, user: string, body: string): void {
  const { ws } = deps;
  let answer: unknown;
  try {
    answer = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    answer = {};
  }
  const action = isRecord(answer) ? answer.response_action : undefined;
  const view = ws.views.get(viewId);
  if (!view || !isRecord(answer)) return;
  try {
    switch (action) {
      case 'errors':
        setErrors(deps, viewId, isRecord(answer.errors) ? (answer.errors as Record<string, string>) : {});
        return;
      case 'update':
        replaceView(ws, view, checkView(answer.view, 'modal'));
        return;
      case 'push':
        pushModal(ws, user, checkView(answer.view, 'modal'));
        return;
      case 'clear':
        closeModal(ws, user, true);
        return;
      default: {
        const stack = ws.modalStacks.get(user) ?? [];
        const index = stack.indexOf(viewId);
        for (const id of index >= 0 ? stack.splice(index) : []) ws.views.delete(id);
        ws.emit({ type: 'views', user });
      }
    }
  } catch (err) {
    const problems = err instanceof ApiError ? [err.code, ...(err.messages ?? [])].join(' ') : String(err);
    setErrors(deps, viewId, { _: `The app answered with an invalid view: ${problems}` });
  }
}

export async function submitView(
  deps: InteractionDeps,
  args: { userId: string; viewId: string; values?: Record<string, Record<string, unknown>> },
): Promise<SubmitResult> {
  const { ws } = deps;
  const view = ws.views.get(args.viewId);
  if (view?.type !== 'modal' || view.user !== args.userId) {
    throw new Error(`Slack emulator: no open modal ${args.viewId} for ${args.userId}`);
  }
  const values = mergeState(view.blocks, view.state.values, args.values);
  view.state = { values };
  const clientErrors = requiredErrors(view.blocks, values);
  if (Object.keys(clientErrors).length > 0) {
    setErrors(deps, view.id, clientErrors);
    return { status: 0, body: '', attempts: 0, timedOut: false, clientErrors };
  }
  setErrors(deps, view.id, undefined);
  const payload = viewSubmissionPayload(ws, {
    user: args.userId,
    view,
    triggerId: ws.issueTrigger(args.userId),
  });
  const result = await deps.transport.deliver(
    'interactive',
    interactivityBody(payload),
    'application/x-www-form-urlencoded',
  );
  const failure = failureText('The app', result);
  if (failure) {
    // Slack keeps the modal open and shows a connection error in it.
    setErrors(deps, view.id, { _: `We had some trouble connecting. (${failure})` });
    notice(ws, args.userId, failure);
    return result;
  }
  applySubmissionAnswer(deps, view.id, args.userId, result.body);
  return result;
}

/** A person posts a message; the app receives it as a `message` event (and `app_mention` when mentioned). */
export function postUserMessage(
  deps: InteractionDeps,
  args: { userId: string; channelId: string; text: string; threadTs?: string },
): StoredMessage {
  const { ws } = deps;
  const channel = resolveChannel(ws, args.channelId);
  if (!channel) throw new Error(`Slack emulator: no channel ${args.channelId}`);
  if (!ws.users.has(args.userId)) throw new Error(`Slack emulator: no user ${args.userId}`);
  const message = postMessage(
    ws,
    channel,
    { text: args.text },
    { user: args.userId, threadTs: args.threadTs },
  );
  const event = {
    type: 'message',
    channel: channel.id,
    channel_type: channel.isIm ? 'im' : 'channel',
    user: args.userId,
    text: args.text,
    ts: message.ts,
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
  };
  void sendEvent(deps, event);
  if (args.text.includes(`<@${ws.botUser.id}>`)) void sendEvent(deps, { ...event, type: 'app_mention' });
  return message;
}

/** The person opened the app's Home tab: Slack sends app_home_opened so the app can publish the view. */
export function openHome(deps: InteractionDeps, userId: string): Promise<DeliveryResult> {
  const { ws } = deps;
  const homeId = ws.homes.get(userId);
  const home = homeId ? ws.views.get(homeId) : undefined;
  const im = ws.imFor(userId);
  return sendEvent(deps, {
    type: 'app_home_opened',
    user: userId,
    channel: im.id,
    tab: 'home',
    ...(home ? { view: { id: home.id, type: 'home', hash: home.hash } } : {}),
  });
}
