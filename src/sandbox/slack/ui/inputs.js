// Input elements (modals and App Home) and the collection of their values for view_submission.
import { h, textOf } from './dom.js';

export function optionsOf(element) {
  const groups = Array.isArray(element.option_groups) ? element.option_groups : [];
  return [...(element.options ?? []), ...groups.flatMap((g) => g.options ?? [])];
}

function current(ctx, blockId, element) {
  return ctx.state?.[blockId]?.[element.action_id] ?? {};
}

function attrs(element, blockId, kind) {
  return {
    'data-block-id': blockId,
    'data-action-id': element.action_id,
    'data-kind': kind,
    'data-testid': `input-${element.action_id}`,
  };
}

function textInput(element, blockId, ctx, type) {
  const value = current(ctx, blockId, element).value ?? element.initial_value ?? '';
  const common = {
    ...attrs(element, blockId, 'text'),
    class: 'bk-text-input',
    placeholder: textOf(element.placeholder),
    maxlength: element.max_length,
    value,
  };
  return element.multiline ? h('textarea', { ...common, rows: 4 }) : h('input', { ...common, type });
}

function select(element, blockId, choices, selected) {
  return h(
    'select',
    { ...attrs(element, blockId, 'select'), class: 'bk-select' },
    h('option', { value: '' }, textOf(element.placeholder) || 'Select an option'),
    choices.map((c) => h('option', { value: c.value, selected: c.value === selected }, c.label)),
  );
}

function choiceList(element, blockId, ctx, multiple) {
  const state = current(ctx, blockId, element);
  const chosen = multiple
    ? (state.selected_options ?? element.initial_options ?? []).map((o) => o.value)
    : [state.selected_option?.value ?? element.initial_option?.value];
  const name = `${blockId}.${element.action_id}`;
  return h(
    'fieldset',
    { ...attrs(element, blockId, multiple ? 'checkboxes' : 'radio'), class: 'bk-choices' },
    (element.options ?? []).map((o) =>
      h(
        'label',
        { class: 'bk-choice' },
        h('input', {
          type: multiple ? 'checkbox' : 'radio',
          name,
          value: o.value,
          checked: chosen.includes(o.value),
          'data-testid': `${multiple ? 'checkbox' : 'radio'}-${element.action_id}-${o.value}`,
        }),
        h('span', {}, textOf(o.text)),
        o.description ? h('span', { class: 'bk-hint' }, ` ${textOf(o.description)}`) : null,
      ),
    ),
  );
}

/** Renders an input-type element, or returns null when the type is not an input. */
export function renderInputElement(element, blockId, ctx) {
  switch (element?.type) {
    case 'plain_text_input':
      return textInput(element, blockId, ctx, 'text');
    case 'number_input':
      return textInput(element, blockId, ctx, 'number');
    case 'email_text_input':
      return textInput(element, blockId, ctx, 'email');
    case 'url_text_input':
      return textInput(element, blockId, ctx, 'url');
    case 'datepicker':
      return h('input', {
        ...attrs(element, blockId, 'date'),
        type: 'date',
        class: 'bk-text-input',
        value: current(ctx, blockId, element).selected_date ?? element.initial_date ?? '',
      });
    case 'static_select': {
      const selected = current(ctx, blockId, element).selected_option?.value ?? element.initial_option?.value;
      const choices = optionsOf(element).map((o) => ({ value: o.value, label: textOf(o.text) }));
      return select(element, blockId, choices, selected);
    }
    case 'users_select': {
      const selected = current(ctx, blockId, element).selected_user ?? element.initial_user;
      const choices = ctx.lookup.users().map((u) => ({ value: u.id, label: u.realName }));
      return select(element, blockId, choices, selected);
    }
    case 'radio_buttons':
      return choiceList(element, blockId, ctx, false);
    case 'checkboxes':
      return choiceList(element, blockId, ctx, true);
    default:
      return null;
  }
}

/** Values of every input under root, as { block_id: { action_id: value } } for the emulator to coerce. */
export function collectValues(root) {
  const values = {};
  for (const el of root.querySelectorAll('[data-kind]')) {
    const { blockId, actionId, kind } = el.dataset;
    let value;
    if (kind === 'radio') value = el.querySelector('input:checked')?.value ?? null;
    else if (kind === 'checkboxes') value = [...el.querySelectorAll('input:checked')].map((i) => i.value);
    else value = el.value === '' ? null : el.value;
    values[blockId] ??= {};
    values[blockId][actionId] = value;
  }
  return values;
}
