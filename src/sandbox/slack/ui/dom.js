// Tiny DOM helpers for the emulator UI. Text always goes through text nodes, never innerHTML.
import { emojify } from './emoji.js';

/** Creates an element: h('div', { class: 'x', 'data-testid': 'y', onclick: fn }, child, 'text'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** POSTs JSON to the emulator's UI API and returns the parsed answer. */
export async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    // The emulator refuses state-changing POSTs without it (cross-site requests, server.ts).
    headers: { 'content-type': 'application/json', 'x-sandbox-ui': '1' },
    body: JSON.stringify(body),
  });
  return res.json();
}

export async function get(path) {
  const res = await fetch(path);
  return res.json();
}

/** Plain text of a Block Kit text object (plain_text or mrkdwn) or a string. */
/** The text of a plain_text object as Slack shows it: its :emoji: rendered unless `emoji: false`. */
export function textOf(obj) {
  if (typeof obj === 'string') return obj;
  if (obj && typeof obj.text === 'string') return obj.emoji === false ? obj.text : emojify(obj.text);
  return '';
}

export function formatTime(ts) {
  const date = new Date(Number(ts) * 1000);
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}
