import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AppsManifestCreateArguments } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * manifest.yml must request exactly the bot scopes the code needs: every Slack Web API method
 * called from src/, handlers/ and blocks/ (not the sandbox emulator) maps to its scopes below,
 * and the manifest may declare nothing else. The scan runs on whatever code exists at test time.
 */

type Manifest = AppsManifestCreateArguments['manifest'];

const ROOT = resolve(import.meta.dirname, '..');
const SCAN_ROOTS = ['src', 'handlers', 'blocks'];
const EXCLUDED = ['src/sandbox'];

/**
 * Scopes that no Web API call reveals, with the reason:
 * - commands: the /dr slash command itself.
 * - chat:write: Bolt's say() and the outbound message queue post messages; Lifeboat always posts.
 */
const ALWAYS_NEEDED = ['commands', 'chat:write'];

/** Bot-token scopes per Web API method (docs.slack.dev/reference/methods). [] = no scope needed. */
const SCOPES_BY_METHOD: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.scheduleMessage': ['chat:write'],
  'chat.getPermalink': [],
  'views.open': [],
  'views.publish': [],
  'views.push': [],
  'views.update': [],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'users.profile.get': ['users.profile:read'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  // Bot tokens: im:write for a DM (Lifeboat opens DMs only; mpim/channels need other scopes).
  'conversations.open': ['im:write'],
  // Public channels; private channels additionally need groups:read (declare it if used there).
  'conversations.info': ['channels:read'],
  'conversations.members': ['channels:read'],
  'conversations.list': ['channels:read'],
  'conversations.history': ['channels:history'],
  'conversations.replies': ['channels:history'],
  'conversations.join': ['channels:join'],
  'files.uploadV2': ['files:write'],
  'files.upload': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'reactions.add': ['reactions:write'],
  'reactions.remove': ['reactions:write'],
  'pins.add': ['pins:write'],
  'bookmarks.add': ['bookmarks:write'],
  'team.info': ['team:read'],
};

const SLACK_FAMILIES =
  'admin apps assistant auth bookmarks bots calls canvases chat conversations dialog dnd emoji files functions oauth openid pins reactions reminders rtm search stars team usergroups users views workflows'.split(
    ' ',
  );
/** `<receiver>.<family>.<method>(`, e.g. `client.chat.postMessage(` or `slack.usergroups.users.list(`. */
const CALL = new RegExp(
  `(\\b\\w+)?\\s*\\.\\s*((?:${SLACK_FAMILIES.join('|')})(?:\\.[A-Za-z0-9]+)+)\\s*\\(`,
  'g',
);

interface SlackCall {
  readonly method: string;
  readonly file: string;
}

/** Removes comments (keeping `://` in URLs) so documentation does not count as a call. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Slack Web API calls in one source text: `client.chat.postMessage(`, `.views.open(`, `apiCall('x.y'`. */
function findSlackCalls(source: string, file: string): SlackCall[] {
  const code = stripComments(source);
  const calls: SlackCall[] = [];
  for (const m of code.matchAll(CALL)) {
    const receiver = m[1] ?? '';
    const method = m[2] ?? '';
    // On something named like a Slack client, an unknown method must be added to the table;
    // elsewhere only known method names count (so `plan.users.map(` is not a Slack call).
    const onClient = /client$/i.test(receiver) || receiver === 'web' || receiver === 'slack';
    if (onClient || method in SCOPES_BY_METHOD) calls.push({ method, file });
  }
  for (const m of code.matchAll(/\bapiCall\(\s*['"`]([a-z]+(?:\.[A-Za-z0-9]+)+)['"`]/g)) {
    calls.push({ method: m[1] ?? '', file });
  }
  return calls;
}

function sourceFiles(): string[] {
  return SCAN_ROOTS.filter((dir) => existsSync(join(ROOT, dir))).flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .map((name) => join(dir, name))
      .filter((path) => /\.(ts|tsx|js|mjs)$/.test(path) && !path.endsWith('.d.ts'))
      .filter((path) => !EXCLUDED.some((ex) => path === ex || path.startsWith(`${ex}/`))),
  );
}

function loadManifest(): Manifest {
  return parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
}

describe('findSlackCalls', () => {
  it('finds client calls, nested families and apiCall, but not comments or look-alikes', () => {
    // Prepare
    const source = [
      'await client.chat.postMessage({ channel, text });',
      'await deps.slack.usergroups.users.list({ usergroup });',
      "await this.client.apiCall('files.getUploadURLExternal', args);",
      'const ids = plan.users.map((u) => u.id); // client.users.info( in a comment',
      '/* await client.reactions.add() */',
      "const url = 'https://slack.com/api/chat.update';",
    ].join('\n');

    // Act
    const calls = findSlackCalls(source, 'x.ts').map((c) => c.method);

    // Assert
    expect(calls).toEqual(['chat.postMessage', 'usergroups.users.list', 'files.getUploadURLExternal']);
  });
});

describe('manifest.yml', () => {
  const manifest = loadManifest();
  const declared = [...(manifest.oauth_config?.scopes?.bot ?? [])].map(String).sort();
  const calls = sourceFiles().flatMap((file) =>
    findSlackCalls(readFileSync(join(ROOT, file), 'utf8'), relative(ROOT, join(ROOT, file))),
  );

  it('maps every Slack method the code calls to its scopes', () => {
    // Act
    const unknown = calls
      .filter((c) => !(c.method in SCOPES_BY_METHOD))
      .map((c) => `${c.method} (${c.file})`);

    // Assert: add the method and its bot scopes to SCOPES_BY_METHOD, then to manifest.yml.
    expect(unknown).toEqual([]);
  });

  it('declares every bot scope the code needs', () => {
    // Prepare
    const needed = new Set([...ALWAYS_NEEDED, ...calls.flatMap((c) => SCOPES_BY_METHOD[c.method] ?? [])]);

    // Act
    const missing = [...needed]
      .filter((scope) => !declared.includes(scope))
      .map((scope) => {
        const call = calls.find((c) => SCOPES_BY_METHOD[c.method]?.includes(scope));
        return call ? `${scope} (${call.method} in ${call.file})` : scope;
      });

    // Assert
    expect(missing).toEqual([]);
  });

  it('declares no bot scope that the code does not need', () => {
    // Prepare
    const needed = new Set([...ALWAYS_NEEDED, ...calls.flatMap((c) => SCOPES_BY_METHOD[c.method] ?? [])]);

    // Act
    const unneeded = declared.filter((scope) => !needed.has(scope));

    // Assert
    expect(unneeded).toEqual([]);
  });

  it('routes /dr, interactivity and events to /slack/events with HTTP mode and no org deploy', () => {
    // Act
    const dr = manifest.features?.slash_commands?.find((c) => c.command === '/dr');

    // Assert
    expect(dr?.usage_hint).toContain('status');
    expect(dr?.url).toMatch(/^https:\/\/.+\/slack\/events$/);
    expect(manifest.settings?.interactivity).toEqual({ is_enabled: true, request_url: dr?.url });
    expect(manifest.settings?.event_subscriptions?.request_url).toBe(dr?.url);
    expect(manifest.settings?.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings).toMatchObject({
      socket_mode_enabled: false,
      org_deploy_enabled: false,
      token_rotation_enabled: false,
    });
    expect(manifest.features?.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.oauth_config?.scopes?.user ?? []).toEqual([]);
  });

  it('stays within Slack manifest limits for names and descriptions', () => {
    // Act
    const info = manifest.display_information;
    const botName = manifest.features?.bot_user?.display_name ?? '';

    // Assert
    expect(info.name.length).toBeLessThanOrEqual(35);
    expect(info.description?.length ?? 0).toBeLessThanOrEqual(140);
    expect(info.long_description?.length ?? 0).toBeGreaterThanOrEqual(175);
    expect(botName).toMatch(/^[a-z0-9._-]{1,80}$/);
  });
});
