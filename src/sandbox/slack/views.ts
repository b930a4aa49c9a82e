import { validateView } from './blockkit.js';
import { isRecord } from './http-util.js';
import { ApiError } from './messages.js';
import type { StoredView } from './types.js';
import { initialState } from './view-state.js';
import type { Workspace } from './workspace.js';

export const MAX_MODAL_STACK = 3;
const TRIGGER_LIFETIME_MS = 3000;

type ViewInput = Record<string, unknown>;

/** Checks a view payload as views.open/update/push/publish do; throws invalid_arguments with the problems. */
export function checkView(view: unknown, expected: 'modal' | 'home' | 'any'): ViewInput {
  const problems = validateView(view);
  if (!isRecord(view)) throw new ApiError('invalid_arguments', problems);
  if (problems.length === 0 && expected !== 'any' && view.type !== expected) {
    problems.push(`[ERROR] must be ${expected} [json-pointer:/view/type]`);
  }
  if (problems.length > 0) throw new ApiError('invalid_arguments', problems);
  return view;
}

/** Exchanges a trigger_id issued with a delivery: one use, within 3 seconds. Returns the user it belongs to. */
export function consumeTrigger(ws: Workspace, triggerId: string | undefined): string {
  if (!triggerId) throw new ApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
  const trigger = ws.triggers.get(triggerId);
  if (!trigger) throw new ApiError('invalid_trigger_id');
  if (trigger.used) throw new ApiError('exchanged_trigger_id');
  if (ws.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) throw new ApiError('expired_trigger_id');
  trigger.used = true;
  return trigger.user;
}

function nextHash(ws: Workspace): string {
  return `${Math.floor(ws.now() / 1000)}.${ws.nextId('h').slice(1)}`;
}

/** Gives every block and element an id (Slack generates them when the app leaves them out). */
function withIds(ws: Workspace, blocks: unknown[]): unknown[] {
  return blocks.map((block) => {
    if (!isRecord(block)) return block;
    const out: Record<string, unknown> = {
      ...block,
      block_id: block.block_id ?? ws.nextId('b').toLowerCase(),
    };
    if (isRecord(block.element)) {
      out.element = { ...block.element, action_id: block.element.action_id ?? ws.nextId('a').toLowerCase() };
    }
    return out;
  });
}

function buildView(
  ws: Workspace,
  user: string,
  input: ViewInput,
  id: string,
  previous?: StoredView,
): StoredView {
  const blocks = withIds(ws, (input.blocks as unknown[]) ?? []);
  return {
    id,
    team_id: ws.team.id,
    type: input.type === 'home' ? 'home' : 'modal',
    user,
    title: input.title,
    submit: input.submit,
    close: input.close,
    blocks,
    private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
    callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
    // An update that leaves external_id out keeps the one the view had.
    external_id: typeof input.external_id === 'string' ? input.external_id : (previous?.external_id ?? ''),
    hash: nextHash(ws),
    state: { values: initialState(blocks) },
    clear_on_close: input.clear_on_close === true,
    notify_on_close: input.notify_on_close === true,
    root_view_id: previous?.root_view_id ?? id,
    previous_view_id: previous?.previous_view_id ?? null,
    app_id: ws.appId,
    bot_id: ws.botId,
  };
}

function checkExternalId(ws: Workspace, input: ViewInput, except?: string): void {
  const externalId = input.external_id;
  if (typeof externalId !== 'string' || externalId === '') return;
  for (const v of ws.views.values()) {
    if (v.external_id === externalId && v.id !== except) throw new ApiError('duplicate_external_id');
  }
}

export function openModal(ws: Workspace, user: string, input: ViewInput): StoredView {
  checkExternalId(ws, input);
  const view = buildView(ws, user, input, ws.nextId('V'));
  for (const old of ws.modalStacks.get(user) ?? []) ws.views.delete(old);
  ws.views.set(view.id, view);
  ws.modalStacks.set(user, [view.id]);
  ws.emit({ type: 'views', user });
  return view;
}

export function pushModal(ws: Workspace, user: string, input: ViewInput): StoredView {
  const stack = ws.modalStacks.get(user) ?? [];
  if (stack.length === 0) return openModal(ws, user, input);
  if (stack.length >= MAX_MODAL_STACK) throw new ApiError('push_limit_reached');
  checkExternalId(ws, input);
  const rootId = stack[0] ?? null;
  const view = {
    ...buildView(ws, user, input, ws.nextId('V')),
    root_view_id: rootId,
    previous_view_id: stack[stack.length - 1] ?? null,
  };
  ws.views.set(view.id, view);
  stack.push(view.id);
  ws.emit({ type: 'views', user });
  return view;
}

export function findView(
  ws: Workspace,
  viewId: string | undefined,
  externalId: string | undefined,
): StoredView {
  if (viewId) {
    const v = ws.views.get(viewId);
    if (v) return v;
  } else if (externalId) {
    for (const v of ws.views.values()) if (v.external_id === externalId) return v;
  } else {
    throw new ApiError('invalid_arguments', ['[ERROR] either view_id or external_id is required']);
  }
  throw new ApiError('not_found');
}

export function replaceView(
  ws: Workspace,
  existing: StoredView,
  input: ViewInput,
  hash?: string,
): StoredView {
  if (hash !== undefined && hash !== existing.hash) throw new ApiError('hash_conflict');
  checkExternalId(ws, input, existing.id);
  const view = buildView(ws, existing.user, input, existing.id, existing);
  ws.views.set(view.id, view);
  ws.emit({ type: view.type === 'home' ? 'home' : 'views', user: existing.user });
  return view;
}

export function publishHome(ws: Workspace, user: string, input: ViewInput, hash?: string): StoredView {
  const existingId = ws.homes.get(user);
  const existing = existingId ? ws.views.get(existingId) : undefined;
  if (existing) return replaceView(ws, existing, input, hash);
  const view = buildView(ws, user, input, ws.nextId('V'));
  ws.views.set(view.id, view);
  ws.homes.set(user, view.id);
  ws.emit({ type: 'home', user });
  return view;
}

/** Removes the top modal (or, with all, the whole stack). */
export function closeModal(ws: Workspace, user: string, all: boolean): void {
  const stack = ws.modalStacks.get(user) ?? [];
  const removed = all ? stack.splice(0) : stack.splice(-1);
  for (const id of removed) ws.views.delete(id);
  ws.emit({ type: 'views', user });
}

export function openModals(ws: Workspace, user: string): StoredView[] {
  return (ws.modalStacks.get(user) ?? []).map((id) => ws.views.get(id)).filter((v): v is StoredView => !!v);
}

/** The view as the Web API and payloads show it (without emulator bookkeeping). */
export function toApiView(view: StoredView): Record<string, unknown> {
  const { user: _user, errors: _errors, ...rest } = view;
  return rest;
}
