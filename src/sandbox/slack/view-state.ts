import { isRecord } from './http-util.js';

type StateValues = Record<string, Record<string, unknown>>;
type Element = Record<string, unknown>;

/** Elements that keep state, with the state key Slack uses and where their initial value lives. */
const stateShape: Record<string, { key: string; initial: string; empty: unknown }> = {
  plain_text_input: { key: 'value', initial: 'initial_value', empty: null },
  number_input: { key: 'value', initial: 'initial_value', empty: null },
  email_text_input: { key: 'value', initial: 'initial_value', empty: null },
  url_text_input: { key: 'value', initial: 'initial_value', empty: null },
  static_select: { key: 'selected_option', initial: 'initial_option', empty: null },
  external_select: { key: 'selected_option', initial: 'initial_option', empty: null },
  radio_buttons: { key: 'selected_option', initial: 'initial_option', empty: null },
  checkboxes: { key: 'selected_options', initial: 'initial_options', empty: [] },
  multi_static_select: { key: 'selected_options', initial: 'initial_options', empty: [] },
  users_select: { key: 'selected_user', initial: 'initial_user', empty: null },
  multi_users_select: { key: 'selected_users', initial: 'initial_users', empty: [] },
  conversations_select: { key: 'selected_conversation', initial: 'initial_conversation', empty: null },
  channels_select: { key: 'selected_channel', initial: 'initial_channel', empty: null },
  datepicker: { key: 'selected_date', initial: 'initial_date', empty: null },
  timepicker: { key: 'selected_time', initial: 'initial_time', empty: null },
};

interface StatefulElement {
  blockId: string;
  element: Element;
  optional: boolean;
  isInput: boolean;
}

function statefulElements(blocks: unknown[]): StatefulElement[] {
  const out: StatefulElement[] = [];
  for (const block of blocks) {
    if (!isRecord(block) || typeof block.block_id !== 'string') continue;
    const elements: unknown[] =
      block.type === 'input'
        ? [block.element]
        : block.type === 'actions' && Array.isArray(block.elements)
          ? block.elements
          : [];
    for (const element of elements) {
      if (isRecord(element) && typeof element.type === 'string' && stateShape[element.type]) {
        out.push({
          blockId: block.block_id,
          element,
          optional: block.optional === true,
          isInput: block.type === 'input',
        });
      }
    }
  }
  return out;
}

function actionId(element: Element): string {
  return typeof element.action_id === 'string' ? element.action_id : '';
}

/** state.values as Slack fills it from the elements' initial values. */
export function initialState(blocks: unknown[]): StateValues {
  const values: StateValues = {};
  for (const { blockId, element } of statefulElements(blocks)) {
    const shape = stateShape[element.type as string];
    if (!shape) continue;
    values[blockId] ??= {};
    const block = values[blockId];
    block[actionId(element)] = { type: element.type, [shape.key]: element[shape.initial] ?? shape.empty };
  }
  return values;
}

function allOptions(element: Element): Element[] {
  const direct = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups.flatMap((g) => (isRecord(g) && Array.isArray(g.options) ? g.options : []))
    : [];
  return [...direct, ...grouped].filter(isRecord);
}

function optionFor(element: Element, value: unknown): Element {
  const found = allOptions(element).find((o) => o.value === value);
  return found ?? { text: { type: 'plain_text', text: String(value) }, value: String(value) };
}

/** Turns a convenient value (a string, or string[] for multi-selects) into the element's state object. */
export function coerceValue(element: Element, value: unknown): unknown {
  if (isRecord(value) && typeof value.type === 'string') return value;
  const type = String(element.type);
  const shape = stateShape[type];
  if (!shape) return { type, value };
  const list = Array.isArray(value) ? value : [value];
  switch (shape.key) {
    case 'selected_option':
      return { type, selected_option: value === null ? null : optionFor(element, value) };
    case 'selected_options':
      return { type, selected_options: list.map((v) => optionFor(element, v)) };
    case 'selected_users':
      return { type, selected_users: list.map(String) };
    default:
      return { type, [shape.key]: value === null ? null : String(value) };
  }
}

/** Merges submitted values (by block_id and action_id) into the view's current state. */
export function mergeState(
  blocks: unknown[],
  current: StateValues,
  submitted: StateValues | undefined,
): StateValues {
  const values: StateValues = structuredClone(current);
  if (!submitted) return values;
  const elements = statefulElements(blocks);
  for (const [blockId, actions] of Object.entries(submitted)) {
    for (const [action, value] of Object.entries(actions)) {
      const element = elements.find((e) => e.blockId === blockId && actionId(e.element) === action)?.element;
      values[blockId] ??= {};
      const block = values[blockId];
      block[action] = element ? coerceValue(element, value) : value;
    }
  }
  return values;
}

function isEmpty(state: unknown): boolean {
  if (!isRecord(state)) return true;
  const key = stateShape[String(state.type)]?.key ?? 'value';
  const v = state[key];
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** What the Slack client refuses to submit: required input blocks left empty. Keyed by block_id. */
export function requiredErrors(blocks: unknown[], values: StateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { blockId, element, optional, isInput } of statefulElements(blocks)) {
    if (!isInput || optional) continue;
    if (isEmpty(values[blockId]?.[actionId(element)]))
      errors[blockId] = 'Please complete this required field.';
  }
  return errors;
}
