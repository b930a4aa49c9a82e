// Message rendering: author line, blocks or mrkdwn text, attachments, files, thread summary.
import { renderBlocks } from './blocks.js';
import { formatTime, h } from './dom.js';
import { confirmDialog } from './modal.js';
import { renderMrkdwn } from './mrkdwn.js';

export function isTopLevel(m) {
  return !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast';
}

function author(m, app) {
  if (m.bot_id || m.user === app.botId()) return { name: app.botName(), bot: true };
  return { name: app.lookup.userName(m.user), bot: false };
}

function attachments(m, ctx) {
  return (m.attachments ?? []).map((a) =>
    h(
      'div',
      {
        class: 'attachment',
        style: a.color ? `border-left-color:${/^#?[\w]+$/.test(a.color) ? a.color : '#ddd'}` : undefined,
      },
      a.title ? h('div', { class: 'attachment-title' }, a.title) : null,
      a.text ? renderMrkdwn(a.text, ctx.lookup) : null,
      a.blocks ? renderBlocks(a.blocks, ctx) : null,
      !a.text && !a.blocks && a.fallback ? h('span', {}, a.fallback) : null,
    ),
  );
}

function files(m) {
  // As Slack shows a shared text file: its name, then a preview of its first lines.
  return (m.files ?? []).map((f) =>
    h(
      'div',
      { class: 'file-share', 'data-testid': 'file-share' },
      h(
        'a',
        {
          class: 'file',
          href: `/_ui/files/${encodeURIComponent(f.id)}`,
          'data-testid': 'file',
          download: f.name,
        },
        `File: ${f.title || f.name}`,
      ),
      f.preview
        ? h(
            'pre',
            { class: 'file-preview', 'data-testid': 'file-preview' },
            f.preview_is_truncated ? `${f.preview}\n… ${f.lines_more} more lines` : f.preview,
          )
        : null,
    ),
  );
}

export function renderMessage(m, app, options = {}) {
  const who = author(m, app);
  const ctx = {
    surface: 'message',
    lookup: app.lookup,
    confirm: (c) => confirmDialog(c, app.lookup),
    onAction: (a) => app.action({ ...a, channel: m.channel, ts: m.ts }),
  };
  const body =
    m.blocks && m.blocks.length > 0
      ? renderBlocks(m.blocks, ctx)
      : h('div', { class: 'message-text' }, renderMrkdwn(m.text ?? '', app.lookup));
  const replies =
    !options.inThread && m.reply_count > 0
      ? h(
          'button',
          { type: 'button', class: 'replies', 'data-testid': 'replies', onclick: () => app.openThread(m.ts) },
          `${m.reply_count} ${m.reply_count === 1 ? 'reply' : 'replies'}`,
        )
      : null;
  return h(
    'div',
    {
      class: `message${m.ephemeral ? ' ephemeral' : ''}${m.subtype === 'tombstone' ? ' tombstone' : ''}${
        app.highlight === m.ts ? ' highlight' : ''
      }`,
      'data-testid': 'message',
      'data-ts': m.ts,
      'data-ephemeral': m.ephemeral ? 'true' : undefined,
    },
    h('div', { class: `avatar${who.bot ? ' bot' : ''}` }, who.name.slice(0, 1).toUpperCase()),
    h(
      'div',
      { class: 'message-body' },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'author' }, who.name),
        who.bot ? h('span', { class: 'badge' }, 'APP') : null,
        h('time', { title: m.ts }, formatTime(m.ts)),
        m.edited ? h('span', { class: 'edited', 'data-testid': 'edited' }, '(edited)') : null,
        m.subtype === 'thread_broadcast' && !options.inThread
          ? h('span', { class: 'broadcast' }, 'replied to a thread')
          : null,
      ),
      m.ephemeral ? h('div', { class: 'ephemeral-note' }, 'Only visible to you') : null,
      body,
      attachments(m, ctx),
      files(m),
      replies,
    ),
  );
}

/** A notice from the emulator itself (e.g. an app that did not answer in time), shown like Slack's own. */
export function renderNotice(notice) {
  return h(
    'div',
    { class: 'message ephemeral notice', 'data-testid': 'notice' },
    h('div', { class: 'avatar system' }, '!'),
    h(
      'div',
      { class: 'message-body' },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'author' }, 'Slackbot'),
        h('time', {}, formatTime(notice.at / 1000)),
      ),
      h('div', { class: 'ephemeral-note' }, 'Only visible to you'),
      h('div', { class: 'message-text' }, notice.text),
    ),
  );
}
