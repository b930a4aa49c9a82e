// The emulator's browser UI: sidebar, message list, thread pane, App Home, modals, live updates over SSE.
import { renderBlocks } from './blocks.js';
import { clear, get, h, post } from './dom.js';
import { isTopLevel, renderMessage, renderNotice } from './messages.js';
import { confirmDialog, renderModal } from './modal.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const ui = {
  me: params.get('user') ?? localStorage.getItem('emulator.user') ?? '',
  data: null,
  current: { kind: 'channel', id: '' },
  thread: null,
  messages: [],
  views: { stack: [], home: null },
  notices: [],
};

const lookup = {
  userName: (id) => ui.data?.users.find((u) => u.id === id)?.name ?? id ?? 'unknown',
  channelName: (id) => ui.data?.channels.find((c) => c.id === id)?.name ?? id,
  usergroupHandle: (id) => ui.data?.usergroups.find((g) => g.id === id)?.handle,
  users: () => (ui.data?.users ?? []).filter((u) => !u.isBot),
};

function toast(text) {
  const el = h('div', { class: 'toast', role: 'status' }, text);
  $('toasts').append(el);
  setTimeout(() => el.remove(), 6000);
}

async function call(path, body) {
  const answer = await post(path, { user: ui.me, ...body });
  if (!answer.ok) toast(answer.error ?? 'Request failed');
  return answer;
}

const app = {
  lookup,
  highlight: null,
  botId: () => ui.data?.bot.id,
  botName: () => ui.data?.bot.name ?? 'app',
  action: (a) => call('/_ui/action', { channel: a.channel ?? ui.current.id, ...a }),
  submitView: (viewId, values) => call('/_ui/submit', { viewId, values }),
  closeView: (viewId, all) => call('/_ui/close', { viewId, all }),
  openThread: (ts) => {
    ui.thread = ts;
    renderThread();
  },
};

function renderSwitcher() {
  const select = $('user-switcher');
  clear(select);
  for (const u of lookup.users()) {
    const label = `${u.realName} (@${u.name})${u.role ? ` · ${u.role}` : ''}`;
    select.append(h('option', { value: u.id, selected: u.id === ui.me }, label));
  }
}

function sidebarItem(kind, id, label, testid) {
  const active = ui.current.kind === kind && ui.current.id === id;
  return h(
    'button',
    {
      type: 'button',
      class: `nav-item${active ? ' active' : ''}`,
      'data-testid': testid,
      onclick: () => open(kind, id),
    },
    label,
  );
}

function renderSidebar() {
  const nav = clear($('nav'));
  const bot = app.botName();
  const items = [
    h('div', { class: 'nav-section' }, 'Channels'),
    ...ui.data.channels.map((c) => sidebarItem('channel', c.id, `# ${c.name}`, `channel-${c.name}`)),
    h('div', { class: 'nav-section' }, 'Direct messages'),
    ui.data.dm ? sidebarItem('channel', ui.data.dm, `● ${bot}`, 'channel-dm') : null,
    h('div', { class: 'nav-section' }, 'Apps'),
    sidebarItem('home', 'home', `⌂ ${bot} Home`, 'app-home'),
  ];
  nav.append(...items.filter(Boolean));
}

/**
 * Like Slack's client, a message whose content did not change keeps its DOM node (its focus, open menus and
 * position stay): only new or changed messages are rendered again. Keyed by ts; the signature is everything
 * the rendering reads (the message, the reader, the highlighted thread).
 */
function messageNodes(list, messages, options) {
  const before = list._rendered ?? new Map();
  const now = new Map();
  const nodes = messages.map((m) => {
    let key = `${m.ts}${m.ephemeral ? ':ephemeral' : ''}`;
    while (now.has(key)) key += '+';
    const sig = JSON.stringify([ui.me, app.highlight, m]);
    const kept = before.get(key);
    const node = kept && kept.sig === sig ? kept.node : renderMessage(m, app, options);
    now.set(key, { sig, node });
    return node;
  });
  list._rendered = now;
  return nodes;
}

function renderMain() {
  const list = $('message-list');
  const before = { key: list.dataset.key, count: Number(list.dataset.count ?? 0), top: list.scrollTop };
  const isHome = ui.current.kind === 'home';
  $('composer-form').classList.toggle('hidden', isHome);
  if (isHome) {
    clear(list);
    list._rendered = undefined;
    $('channel-title').textContent = `${app.botName()} · Home`;
    const home = ui.views.home;
    const ctx = {
      surface: 'home',
      lookup,
      state: home?.state?.values ?? {},
      confirm: (c) => confirmDialog(c, lookup),
      onAction: (a) => app.action({ ...a, viewId: home?.id }),
    };
    list.append(
      home
        ? h('div', { class: 'home', 'data-testid': 'app-home-view' }, renderBlocks(home.blocks, ctx))
        : h('div', { class: 'empty' }, 'The app has not published a Home tab yet.'),
    );
    return;
  }
  const isDm = ui.current.id === ui.data.dm;
  $('channel-title').textContent = isDm ? app.botName() : `# ${lookup.channelName(ui.current.id)}`;
  $('composer').placeholder = isDm
    ? `Message ${app.botName()}`
    : `Message #${lookup.channelName(ui.current.id)}  (try /dr help)`;
  const top = ui.messages.filter((m) => isTopLevel(m) && !(m.ephemeral && m.thread_ts));
  const notices = ui.notices.filter((x) => !x.channel || x.channel === ui.current.id);
  list.replaceChildren(
    ...(top.length === 0 ? [h('div', { class: 'empty' }, 'No messages yet.')] : []),
    ...messageNodes(list, top, {}),
    ...notices.map(renderNotice),
  );
  // Like Slack: a channel opens at its latest message and follows new ones; an edit in place (a card updated
  // while alarms arrive) leaves the reader where they were.
  const key = `${ui.me}:${ui.current.id}`;
  const count = top.length + notices.length;
  list.scrollTop = before.key !== key || count > before.count ? list.scrollHeight : before.top;
  list.dataset.key = key;
  list.dataset.count = String(count);
}

function renderThread() {
  const pane = $('thread-pane');
  pane.classList.toggle('hidden', !ui.thread);
  if (!ui.thread) return;
  const list = $('thread-list');
  const before = { thread: list.dataset.thread, count: Number(list.dataset.count ?? 0), top: list.scrollTop };
  const inThread = ui.messages.filter((m) => m.ts === ui.thread || m.thread_ts === ui.thread);
  list.replaceChildren(...messageNodes(list, inThread, { inThread: true }));
  list.dataset.thread = ui.thread;
  list.dataset.count = String(inThread.length);
  // Like Slack: a thread opens at its latest reply and follows new ones; an edit leaves the reader where they were.
  const grew = before.thread !== ui.thread || inThread.length > before.count;
  list.scrollTop = grew ? list.scrollHeight : before.top;
}

async function loadMessages() {
  if (ui.current.kind !== 'channel' || !ui.current.id) return;
  const answer = await get(
    `/_ui/messages?channel=${encodeURIComponent(ui.current.id)}&user=${encodeURIComponent(ui.me)}`,
  );
  ui.messages = answer.messages;
  renderMain();
  renderThread();
}

async function loadViews() {
  ui.views = await get(`/_ui/views?user=${encodeURIComponent(ui.me)}`);
  renderModal($('modal-root'), ui.views.stack, app);
  if (ui.current.kind === 'home') renderMain();
}

async function open(kind, id) {
  ui.current = { kind, id };
  ui.thread = null;
  renderSidebar();
  renderThread();
  if (kind === 'home') {
    renderMain();
    await call('/_ui/home', {});
    await loadViews();
  } else {
    await loadMessages();
  }
}

async function loadState() {
  ui.data = await get(`/_ui/state?user=${encodeURIComponent(ui.me)}`);
  if (!lookup.users().some((u) => u.id === ui.me)) {
    ui.me = lookup.users()[0]?.id ?? '';
    ui.data = await get(`/_ui/state?user=${encodeURIComponent(ui.me)}`);
  }
  localStorage.setItem('emulator.user', ui.me);
  renderSwitcher();
}

async function send(text, threadTs) {
  const trimmed = text.trim();
  if (!trimmed) return;
  const answer = await call('/_ui/command', { channel: ui.current.id, text: trimmed, threadTs });
  if (answer.ok) await loadMessages();
}

function composer(form, input, threadTs) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = '';
    void send(text, threadTs());
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

function listen() {
  const events = new EventSource('/_ui/events');
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (
      event.type === 'messages' &&
      event.channel === ui.current.id &&
      (!event.user || event.user === ui.me)
    ) {
      void loadMessages();
    } else if ((event.type === 'views' || event.type === 'home') && event.user === ui.me) {
      void loadViews();
    } else if (event.type === 'notice' && event.user === ui.me) {
      ui.notices.push({ text: event.text, channel: event.channel, at: Date.now() });
      toast(event.text);
      renderMain();
    }
  };
}

/** Permalinks look like /archives/C123/p1732200000000100?thread_ts=1732200000.000100 */
function fromPermalink() {
  const match = /^\/archives\/([^/]+)\/p(\d+)(\d{6})$/.exec(location.pathname);
  if (!match) return null;
  return { channel: match[1], ts: `${match[2]}.${match[3]}`, thread: params.get('thread_ts') };
}

async function start() {
  await loadState();
  $('user-switcher').addEventListener('change', async (event) => {
    ui.me = event.currentTarget.value;
    ui.notices = [];
    await loadState();
    if (ui.current.kind === 'channel' && !ui.data.channels.some((c) => c.id === ui.current.id)) {
      ui.current = { kind: 'channel', id: ui.data.dm ?? ui.data.channels[0]?.id };
    }
    renderSidebar();
    await (ui.current.kind === 'home' ? open('home', 'home') : loadMessages());
    await loadViews();
  });
  composer($('composer-form'), $('composer'), () => undefined);
  composer($('thread-form'), $('thread-composer'), () => ui.thread);
  $('thread-close').addEventListener('click', () => app.openThread(null));
  $('workspace-name').textContent = ui.data.team.name;
  listen();
  const link = fromPermalink();
  app.highlight = link?.ts ?? null;
  await open('channel', link?.channel ?? ui.data.channels[0]?.id ?? ui.data.dm);
  if (link)
    app.openThread(
      link.thread ?? (ui.messages.some((m) => m.ts === link.ts && m.reply_count) ? link.ts : null),
    );
  await loadViews();
  document.body.dataset.ready = 'true';
}

/** For the sandbox's uiExtensionScript: who is acting, a refresh, a panel to fill and toasts. */
window.slackEmulator = {
  user: () => ui.me,
  refresh: () => loadMessages(),
  panel: $('extension-panel'),
  toast,
};
void start();
