// Block Kit renderer for messages, modals and the App Home. Interactive elements call ctx.onAction.
import { h, textOf } from './dom.js';
import { optionsOf, renderInputElement } from './inputs.js';
import { inline, renderMrkdwn, renderText } from './mrkdwn.js';

function confirmed(element, ctx) {
  return element.confirm ? ctx.confirm(element.confirm) : Promise.resolve(true);
}

function button(element, blockId, ctx) {
  const style = element.style === 'primary' || element.style === 'danger' ? element.style : 'default';
  return h(
    'button',
    {
      type: 'button',
      class: `bk-button ${style}`,
      'data-testid': `button-${element.action_id}`,
      'data-action-id': element.action_id,
      'data-block-id': blockId,
      onclick: async (event) => {
        const el = event.currentTarget;
        if (!(await confirmed(element, ctx))) return;
        if (element.url) window.open(element.url, '_blank', 'noopener');
        el.disabled = true;
        try {
          await ctx.onAction({ actionId: element.action_id, blockId, value: element.value });
        } finally {
          el.disabled = false;
        }
      },
    },
    textOf(element.text),
  );
}

function actionSelect(element, blockId, ctx) {
  const initial = element.initial_option?.value ?? '';
  return h(
    'select',
    {
      class: 'bk-select',
      'data-testid': `select-${element.action_id}`,
      'data-action-id': element.action_id,
      onchange: async (event) => {
        const select = event.currentTarget;
        const value = select.value;
        if (!value) return;
        if (!(await confirmed(element, ctx))) {
          select.value = initial;
          return;
        }
        await ctx.onAction({ actionId: element.action_id, blockId, selectedValue: value });
      },
    },
    h('option', { value: '' }, textOf(element.placeholder) || 'Select an option'),
    optionsOf(element).map((o) =>
      h('option', { value: o.value, selected: o.value === initial }, textOf(o.text)),
    ),
  );
}

function overflow(element, blockId, ctx) {
  const menu = h('div', { class: 'bk-overflow-menu hidden', role: 'menu' });
  for (const option of element.options ?? []) {
    menu.append(
      h(
        'button',
        {
          type: 'button',
          class: 'bk-overflow-option',
          'data-testid': `overflow-option-${option.value}`,
          onclick: async () => {
            menu.classList.add('hidden');
            if (!(await confirmed(element, ctx))) return;
            await ctx.onAction({ actionId: element.action_id, blockId, selectedValue: option.value });
          },
        },
        textOf(option.text),
      ),
    );
  }
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'bk-overflow',
      'aria-label': 'More actions',
      'data-testid': `overflow-${element.action_id}`,
      onclick: () => menu.classList.toggle('hidden'),
    },
    '⋯',
  );
  return h('span', { class: 'bk-overflow-wrap' }, toggle, menu);
}

/** An element in an actions block or a section accessory. */
function interactive(element, blockId, ctx) {
  switch (element?.type) {
    case 'button':
      return button(element, blockId, ctx);
    case 'static_select':
      return actionSelect(element, blockId, ctx);
    case 'overflow':
      return overflow(element, blockId, ctx);
    case 'image':
      return h(
        'span',
        { class: 'bk-img-alt', title: element.alt_text ?? '' },
        `image: ${element.alt_text ?? 'image'}`,
      );
    default:
      return (
        renderInputElement(element, blockId, ctx) ??
        h('span', { class: 'bk-unsupported' }, `[${element?.type}]`)
      );
  }
}

function richInline(el, ctx) {
  switch (el.type) {
    case 'text': {
      let node = document.createTextNode(el.text ?? '');
      const s = el.style ?? {};
      if (s.code) node = h('code', {}, node);
      if (s.bold) node = h('strong', {}, node);
      if (s.italic) node = h('em', {}, node);
      if (s.strike) node = h('s', {}, node);
      return node;
    }
    case 'link':
      return inline(`<${el.url}|${el.text ?? el.url}>`, ctx.lookup);
    case 'user':
      return h('span', { class: 'mention' }, `@${ctx.lookup.userName(el.user_id)}`);
    case 'channel':
      return h('span', { class: 'mention' }, `#${ctx.lookup.channelName(el.channel_id)}`);
    case 'usergroup':
      return h('span', { class: 'mention' }, `@${el.usergroup_id}`);
    case 'broadcast':
      return h('span', { class: 'mention' }, `@${el.range}`);
    case 'emoji':
      return document.createTextNode(`:${el.name}:`);
    default:
      return document.createTextNode('');
  }
}

function richText(block, ctx) {
  const section = (s) => (s.elements ?? []).map((e) => richInline(e, ctx));
  return h(
    'div',
    { class: 'bk-rich-text' },
    (block.elements ?? []).map((part) => {
      switch (part.type) {
        case 'rich_text_list':
          return h(
            part.style === 'ordered' ? 'ol' : 'ul',
            {},
            (part.elements ?? []).map((s) => h('li', {}, section(s))),
          );
        case 'rich_text_quote':
          return h('blockquote', {}, section(part));
        case 'rich_text_preformatted':
          return h('pre', { class: 'code-block' }, section(part));
        default:
          return h('div', {}, section(part));
      }
    }),
  );
}

function section(block, ctx) {
  const fields = Array.isArray(block.fields)
    ? h(
        'div',
        { class: 'bk-fields' },
        block.fields.map((f) => h('div', { class: 'bk-field' }, renderText(f, ctx.lookup))),
      )
    : null;
  return h(
    'div',
    { class: 'bk-section' },
    h('div', { class: 'bk-section-main' }, block.text ? renderText(block.text, ctx.lookup) : null, fields),
    block.accessory
      ? h('div', { class: 'bk-accessory' }, interactive(block.accessory, block.block_id, ctx))
      : null,
  );
}

function inputBlock(block, ctx) {
  const error = ctx.errors?.[block.block_id];
  return h(
    'div',
    { class: `bk-input${error ? ' has-error' : ''}`, 'data-block-id': block.block_id },
    h(
      'label',
      { class: 'bk-label' },
      textOf(block.label),
      block.optional ? h('span', { class: 'optional' }, ' (optional)') : null,
    ),
    renderInputElement(block.element, block.block_id, ctx) ?? h('span', {}, `[${block.element?.type}]`),
    block.hint ? h('div', { class: 'bk-hint' }, textOf(block.hint)) : null,
    error ? h('div', { class: 'bk-error', 'data-testid': `error-${block.block_id}` }, error) : null,
  );
}

export function renderBlock(block, ctx) {
  switch (block?.type) {
    case 'header':
      return h('h3', { class: 'bk-header' }, textOf(block.text));
    case 'section':
      return section(block, ctx);
    case 'divider':
      return h('hr', { class: 'bk-divider' });
    case 'context':
      return h(
        'div',
        { class: 'bk-context' },
        (block.elements ?? []).map((e) =>
          e.type === 'image'
            ? h('span', { class: 'bk-img-alt', title: e.alt_text ?? '' }, `image: ${e.alt_text ?? ''}`)
            : renderText(e, ctx.lookup),
        ),
      );
    case 'actions':
      return h(
        'div',
        { class: 'bk-actions' },
        (block.elements ?? []).map((e) => interactive(e, block.block_id, ctx)),
      );
    case 'image':
      return h(
        'figure',
        { class: 'bk-image' },
        block.title ? h('figcaption', {}, textOf(block.title)) : null,
        h('div', { class: 'bk-img-box', title: block.alt_text ?? '' }, `image: ${block.alt_text ?? 'image'}`),
      );
    case 'rich_text':
      return richText(block, ctx);
    case 'input':
      return inputBlock(block, ctx);
    case 'markdown':
      return h('div', { class: 'bk-markdown' }, renderMrkdwn(block.text ?? '', ctx.lookup));
    default:
      return h('div', { class: 'bk-unsupported' }, `[unsupported block: ${block?.type}]`);
  }
}

export function renderBlocks(blocks, ctx) {
  return h(
    'div',
    { class: 'bk-blocks' },
    (blocks ?? []).map((b) => renderBlock(b, ctx)),
  );
}
