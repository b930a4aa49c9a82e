import { str } from '../http-util.js';
import { ApiError } from '../messages.js';
import type { EmulatorUser } from '../types.js';
import type { Workspace } from '../workspace.js';
import { type ApiMethod, requireUser } from './context.js';

export function userInfo(ws: Workspace, u: EmulatorUser): Record<string, unknown> {
  const isAppBot = u.id === ws.botUser.id;
  return {
    id: u.id,
    team_id: ws.team.id,
    name: u.name,
    deleted: false,
    real_name: u.realName,
    tz: 'Etc/UTC',
    tz_label: 'Coordinated Universal Time',
    tz_offset: 0,
    is_admin: false,
    is_owner: false,
    is_bot: u.isBot === true,
    is_app_user: false,
    updated: 0,
    profile: {
      real_name: u.realName,
      real_name_normalized: u.realName,
      display_name: u.name,
      display_name_normalized: u.name,
      team: ws.team.id,
      ...(isAppBot ? { bot_id: ws.botId, api_app_id: ws.appId } : {}),
    },
  };
}

const info: ApiMethod = (ctx, params) => {
  const id = requireUser(ctx, str(params, 'user'));
  const user = ctx.ws.users.get(id);
  if (!user) throw new ApiError('user_not_found');
  return { user: userInfo(ctx.ws, user) };
};

const list: ApiMethod = (ctx) => ({
  members: [...ctx.ws.users.values()].map((u) => userInfo(ctx.ws, u)),
  cache_ts: Math.floor(ctx.ws.now() / 1000),
  response_metadata: { next_cursor: '' },
});

const usergroupUsers: ApiMethod = (ctx, params) => {
  const id = str(params, 'usergroup');
  const group = id ? ctx.ws.usergroups.get(id) : undefined;
  if (!group) throw new ApiError('no_such_subteam');
  return { users: [...group.users] };
};

const authTest: ApiMethod = (ctx) => ({
  url: ctx.baseUrl,
  team: ctx.ws.team.name,
  user: ctx.ws.botUser.name,
  team_id: ctx.ws.team.id,
  user_id: ctx.ws.botUser.id,
  bot_id: ctx.ws.botId,
  is_enterprise_install: false,
});

export const userMethods: Record<string, ApiMethod> = {
  'users.info': info,
  'users.list': list,
  'usergroups.users.list': usergroupUsers,
  'auth.test': authTest,
};
