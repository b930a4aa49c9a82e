import { jsonParam, str } from '../http-util.js';
import { ApiError } from '../messages.js';
import {
  checkView,
  consumeTrigger,
  findView,
  openModal,
  publishHome,
  pushModal,
  replaceView,
  toApiView,
} from '../views.js';
import { type ApiMethod, requireUser } from './context.js';

function viewParam(
  params: Record<string, unknown>,
  expected: 'modal' | 'home' | 'any',
): Record<string, unknown> {
  const parsed = jsonParam(params, 'view');
  if (parsed === undefined) throw new ApiError('invalid_arguments', ['[ERROR] view must be valid JSON']);
  return checkView(parsed.value, expected);
}

const open: ApiMethod = (ctx, params) => {
  const input = viewParam(params, 'modal');
  const user = consumeTrigger(ctx.ws, str(params, 'trigger_id') ?? str(params, 'interactivity_pointer'));
  return { view: toApiView(openModal(ctx.ws, user, input)) };
};

const push: ApiMethod = (ctx, params) => {
  const input = viewParam(params, 'modal');
  const user = consumeTrigger(ctx.ws, str(params, 'trigger_id') ?? str(params, 'interactivity_pointer'));
  return { view: toApiView(pushModal(ctx.ws, user, input)) };
};

const update: ApiMethod = (ctx, params) => {
  const existing = findView(ctx.ws, str(params, 'view_id'), str(params, 'external_id'));
  const input = viewParam(params, existing.type);
  return { view: toApiView(replaceView(ctx.ws, existing, input, str(params, 'hash'))) };
};

const publish: ApiMethod = (ctx, params) => {
  const user = requireUser(ctx, str(params, 'user_id'));
  const input = viewParam(params, 'home');
  return { view: toApiView(publishHome(ctx.ws, user, input, str(params, 'hash'))) };
};

export const viewMethods: Record<string, ApiMethod> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
  'views.publish': publish,
};
