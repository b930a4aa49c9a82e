// Renders Slack mrkdwn into DOM nodes: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes,
// <url|label>, <@U..>, <#C..|name>, <!here>, <!subteam^S..|@handle>, <!date^…|fallback>. :emoji: codes
// become emoji from Slack's own set (emoji-data.js, generated from the emoji-datasource package; no images
// are fetched); codes Slack does not know stay as text.
import { formatDate } from './dates.js';
import { h } from './dom.js';
import { emojify } from './emoji.js';

const INLINE = /(`[^`\n]+`)|(<[^<>\n]+>)|(\*[^*\n]+\*)|(_[^_\n]+_)|(~[^~\n]+~)/g;

function decode(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function safeHref(url) {
  return /^(https?:|mailto:|\/)/i.test(url) ? url : undefined;
}

function date(inner) {
  const { text, fallback, link } = formatDate(inner.slice('!date^'.length));
  const shown = decode(text ?? fallback ?? '');
  const href = link ? safeHref(decode(link)) : undefined;
  const attrs = { class: 'date', 'data-fallback': text === undefined ? 'true' : 'false' };
  return href
    ? h('a', { ...attrs, href, target: '_blank', rel: 'noopener noreferrer' }, shown)
    : h('span', attrs, shown);
}

function angle(inner, lookup) {
  if (inner.startsWith('!date^')) return date(inner);
  const [target, label] = inner.split('|', 2);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return h('span', { class: 'mention', 'data-user': id }, `@${label ?? lookup.userName(id)}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return h('span', { class: 'mention channel-mention' }, `#${label ?? lookup.channelName(id)}`);
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = lookup.usergroupHandle?.(id);
    return h('span', { class: 'mention' }, label ?? `@${handle ?? id}`);
  }
  if (target.startsWith('!')) return h('span', { class: 'mention' }, `@${target.slice(1)}`);
  const href = safeHref(decode(target));
  const text = decode(label ?? target);
  return href
    ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text)
    : document.createTextNode(text);
}

/** Inline formatting of one line. */
export function inline(text, lookup) {
  const out = [];
  let last = 0;
  const re = new RegExp(INLINE.source, 'g');
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const [token, code, link, bold, italic, strike] = match;
    const start = match.index;
    // Slack only formats *bold*/_italic_/~strike~ at word boundaries. An unbounded candidate (e.g. the
    // underscore of :red_circle:) must not swallow the tokens inside it: scan on from the next character.
    const before = text[start - 1];
    const after = text[start + token.length];
    const bounded = (!before || /[\s([{"'>]/.test(before)) && (!after || /[\s)\]}.,;:!?"'<]/.test(after));
    if ((bold || italic || strike) && !bounded) {
      re.lastIndex = start + 1;
      continue;
    }
    if (start > last) out.push(document.createTextNode(emojify(decode(text.slice(last, start)))));
    if (code) out.push(h('code', {}, decode(code.slice(1, -1))));
    else if (link) out.push(angle(link.slice(1, -1), lookup));
    else if (bold) out.push(h('strong', {}, inline(bold.slice(1, -1), lookup)));
    else if (italic) out.push(h('em', {}, inline(italic.slice(1, -1), lookup)));
    else if (strike) out.push(h('s', {}, inline(strike.slice(1, -1), lookup)));
    last = start + token.length;
  }
  if (last < text.length) out.push(document.createTextNode(emojify(decode(text.slice(last)))));
  return out;
}

function lines(text, lookup) {
  const out = [];
  let quote = null;
  text.split('\n').forEach((line, i, all) => {
    const quoted = /^(&gt;|>)\s?/.exec(line);
    if (quoted) {
      quote ??= h('blockquote', {});
      if (quote.childNodes.length > 0) quote.append(h('br'));
      quote.append(...inline(line.slice(quoted[0].length), lookup));
      if (!out.includes(quote)) out.push(quote);
      return;
    }
    quote = null;
    out.push(...inline(line, lookup));
    if (i < all.length - 1 && !/^(&gt;|>)/.test(all[i + 1] ?? '')) out.push(h('br'));
  });
  return out;
}

/** The whole mrkdwn text as a span. */
export function renderMrkdwn(text, lookup) {
  const root = h('span', { class: 'mrkdwn' });
  const parts = String(text ?? '').split('```');
  parts.forEach((part, i) => {
    if (i % 2 === 1) root.append(h('pre', { class: 'code-block' }, decode(part.replace(/^\n/, ''))));
    else root.append(...lines(part, lookup));
  });
  return root;
}

/** A Block Kit text object: mrkdwn is formatted, plain_text is shown as is. */
export function renderText(obj, lookup) {
  if (!obj) return document.createTextNode('');
  if (obj.type === 'mrkdwn') return renderMrkdwn(obj.text, lookup);
  return h('span', { class: 'plain' }, obj.emoji === false ? (obj.text ?? '') : emojify(obj.text ?? ''));
}
