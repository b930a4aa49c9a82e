// Modals (the top of the user's view stack) and confirmation dialogs.
import { renderBlocks } from './blocks.js';
import { clear, h, textOf } from './dom.js';
import { collectValues } from './inputs.js';
import { renderText } from './mrkdwn.js';

let shown = '';

/** Asks the user to confirm, as a Block Kit confirm object describes; resolves true on confirm. */
export function confirmDialog(confirm, lookup) {
  return new Promise((resolve) => {
    const close = (answer) => {
      overlay.remove();
      resolve(answer);
    };
    const style = confirm.style === 'danger' ? 'danger' : 'primary';
    const overlay = h(
      'div',
      { class: 'overlay confirm-overlay' },
      h(
        'div',
        { class: 'dialog', role: 'alertdialog', 'data-testid': 'confirm-dialog' },
        h('h2', {}, textOf(confirm.title) || 'Are you sure?'),
        h('div', { class: 'dialog-body' }, renderText(confirm.text, lookup)),
        h(
          'div',
          { class: 'dialog-footer' },
          h(
            'button',
            {
              type: 'button',
              class: 'bk-button default',
              'data-testid': 'confirm-deny',
              onclick: () => close(false),
            },
            textOf(confirm.deny) || 'Cancel',
          ),
          h(
            'button',
            {
              type: 'button',
              class: `bk-button ${style}`,
              'data-testid': 'confirm-ok',
              onclick: () => close(true),
            },
            textOf(confirm.confirm) || 'Yes',
          ),
        ),
      ),
    );
    document.body.append(overlay);
  });
}

/**
 * Shows the top view of the stack in root (or nothing). Re-renders only when the view, its hash or its errors
 * changed, so typing is not lost on unrelated updates.
 */
export function renderModal(root, stack, app) {
  const view = stack[stack.length - 1];
  const signature = view ? `${view.id}:${view.hash}:${JSON.stringify(view.errors ?? {})}` : '';
  if (signature === shown) return;
  shown = signature;
  clear(root);
  if (!view) return;
  const errors = view.errors ?? {};
  const ctx = {
    surface: 'modal',
    lookup: app.lookup,
    errors,
    state: view.state?.values ?? {},
    confirm: (c) => confirmDialog(c, app.lookup),
    onAction: (a) => app.action({ ...a, viewId: view.id }),
  };
  const body = renderBlocks(view.blocks, ctx);
  const close = (all) => app.closeView(view.id, all);
  const submit = async () => {
    submitButton.disabled = true;
    try {
      await app.submitView(view.id, collectValues(body));
    } finally {
      submitButton.disabled = false;
    }
  };
  const submitButton = view.submit
    ? h(
        'button',
        { type: 'submit', class: 'bk-button primary', 'data-testid': 'modal-submit' },
        textOf(view.submit),
      )
    : null;
  const form = h(
    'form',
    {
      class: 'dialog modal',
      'data-testid': 'modal',
      'data-view-id': view.id,
      'data-callback-id': view.callback_id,
      onsubmit: (event) => {
        event.preventDefault();
        void submit();
      },
    },
    h(
      'header',
      { class: 'modal-header' },
      stack.length > 1 ? h('span', { class: 'stack-depth' }, `${stack.length} / 3`) : null,
      h('h2', { 'data-testid': 'modal-title' }, textOf(view.title)),
      h(
        'button',
        {
          type: 'button',
          class: 'icon-button',
          'aria-label': 'Close',
          'data-testid': 'modal-close',
          onclick: () => close(true),
        },
        '✕',
      ),
    ),
    errors._ ? h('div', { class: 'modal-error', 'data-testid': 'modal-error' }, errors._) : null,
    h('div', { class: 'modal-body' }, body),
    h(
      'footer',
      { class: 'dialog-footer' },
      h(
        'button',
        {
          type: 'button',
          class: 'bk-button default',
          'data-testid': 'modal-cancel',
          onclick: () => close(false),
        },
        textOf(view.close) || (stack.length > 1 ? 'Back' : 'Cancel'),
      ),
      submitButton,
    ),
  );
  root.append(h('div', { class: 'overlay' }, form));
}
