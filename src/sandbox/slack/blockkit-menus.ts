/**
 * Menus: select menus, multi-select menus and the overflow menu, plus the field helpers shared with the other
 * elements. Fields and limits from https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element,
 * .../multi-select-menu-element and .../overflow-menu-element, and @slack/types `block-kit/block-elements.d.ts`.
 */

import {
  checkConfirm,
  checkConversationFilter,
  checkOption,
  checkOptionGroups,
  checkOptions,
  checkText,
} from './blockkit-composition.js';
import {
  at,
  type Ctx,
  checkArray,
  checkBoolean,
  checkInteger,
  checkString,
  type Json,
  report,
} from './blockkit-core.js';

export type ElementCheck = (ctx: Ctx, el: Json, pointer: string) => void;

export interface ElementSpec {
  /** Properties the element accepts besides `type` and `action_id`. */
  readonly keys: readonly string[];
  readonly check: ElementCheck;
  /** Image elements carry no action_id. */
  readonly noActionId?: boolean;
}

/** Placeholder: plain_text, at most 150 characters (extensions.d.ts `Placeholdable`). */
export function placeholder(ctx: Ctx, el: Json, pointer: string): void {
  checkText(ctx, el, 'placeholder', pointer, { plainOnly: true, max: 150 });
}

/** Fields shared by interactive menus and pickers: confirm, focus_on_load, placeholder. */
export function interactive(ctx: Ctx, el: Json, pointer: string): void {
  checkConfirm(ctx, el, 'confirm', pointer);
  checkBoolean(ctx, el, 'focus_on_load', pointer);
  placeholder(ctx, el, pointer);
}

function stringList(ctx: Ctx, el: Json, key: string, pointer: string): void {
  const list = checkArray(ctx, el, key, pointer);
  list?.forEach((item, i) => {
    if (typeof item !== 'string') report(ctx, 'must provide a string', at(at(pointer, key), i));
  });
}

/** `max_selected_items`: minimum 1 (extensions.d.ts `MaxItemsSelectable`). */
function multi(ctx: Ctx, el: Json, pointer: string): void {
  checkInteger(ctx, el, 'max_selected_items', pointer, { min: 1 });
}

/** Static menus need exactly one of `options` (<= 100) or `option_groups` (<= 100); options are plain_text. */
function staticOptions(ctx: Ctx, el: Json, pointer: string): void {
  const hasOptions = el.options !== undefined;
  if (hasOptions === (el.option_groups !== undefined)) {
    report(
      ctx,
      hasOptions ? 'must not define both `options` and `option_groups`' : 'missing required field: options',
      pointer,
    );
  }
  checkOptions(ctx, el, 'options', pointer, { max: 100, min: 1 });
  checkOptionGroups(ctx, el, 'option_groups', pointer);
}

export const INTERACTIVE = ['confirm', 'focus_on_load', 'placeholder'] as const;

export const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
];
export const MULTI_SELECTS = SELECTS.map((t) => `multi_${t}`);

export const MENU_SPECS: Readonly<Record<string, ElementSpec>> = {
  // select-menu-element / multi-select-menu-element.
  static_select: {
    keys: ['options', 'option_groups', 'initial_option', ...INTERACTIVE],
    check: (ctx, el, p) => {
      staticOptions(ctx, el, p);
      if (el.initial_option !== undefined) checkOption(ctx, el.initial_option, at(p, 'initial_option'));
      interactive(ctx, el, p);
    },
  },
  multi_static_select: {
    keys: ['options', 'option_groups', 'initial_options', 'max_selected_items', ...INTERACTIVE],
    check: (ctx, el, p) => {
      staticOptions(ctx, el, p);
      checkOptions(ctx, el, 'initial_options', p, { max: 100 });
      multi(ctx, el, p);
      interactive(ctx, el, p);
    },
  },
  external_select: {
    keys: ['initial_option', 'min_query_length', ...INTERACTIVE],
    check: (ctx, el, p) => {
      if (el.initial_option !== undefined) checkOption(ctx, el.initial_option, at(p, 'initial_option'));
      checkInteger(ctx, el, 'min_query_length', p, { min: 0 });
      interactive(ctx, el, p);
    },
  },
  multi_external_select: {
    keys: ['initial_options', 'min_query_length', 'max_selected_items', ...INTERACTIVE],
    check: (ctx, el, p) => {
      checkOptions(ctx, el, 'initial_options', p, { max: 100 });
      checkInteger(ctx, el, 'min_query_length', p, { min: 0 });
      multi(ctx, el, p);
      interactive(ctx, el, p);
    },
  },
  users_select: {
    keys: ['initial_user', ...INTERACTIVE],
    check: (ctx, el, p) => {
      checkString(ctx, el, 'initial_user', p, { min: 1 });
      interactive(ctx, el, p);
    },
  },
  multi_users_select: {
    keys: ['initial_users', 'max_selected_items', ...INTERACTIVE],
    check: (ctx, el, p) => {
      stringList(ctx, el, 'initial_users', p);
      multi(ctx, el, p);
      interactive(ctx, el, p);
    },
  },
  conversations_select: {
    keys: [
      'initial_conversation',
      'default_to_current_conversation',
      'response_url_enabled',
      'filter',
      ...INTERACTIVE,
    ],
    check: (ctx, el, p) => {
      checkString(ctx, el, 'initial_conversation', p, { min: 1 });
      checkBoolean(ctx, el, 'default_to_current_conversation', p);
      checkBoolean(ctx, el, 'response_url_enabled', p);
      checkConversationFilter(ctx, el, 'filter', p);
      interactive(ctx, el, p);
    },
  },
  multi_conversations_select: {
    keys: [
      'initial_conversations',
      'default_to_current_conversation',
      'max_selected_items',
      'filter',
      ...INTERACTIVE,
    ],
    check: (ctx, el, p) => {
      stringList(ctx, el, 'initial_conversations', p);
      checkBoolean(ctx, el, 'default_to_current_conversation', p);
      multi(ctx, el, p);
      checkConversationFilter(ctx, el, 'filter', p);
      interactive(ctx, el, p);
    },
  },
  channels_select: {
    keys: ['initial_channel', 'response_url_enabled', ...INTERACTIVE],
    check: (ctx, el, p) => {
      checkString(ctx, el, 'initial_channel', p, { min: 1 });
      checkBoolean(ctx, el, 'response_url_enabled', p);
      interactive(ctx, el, p);
    },
  },
  multi_channels_select: {
    keys: ['initial_channels', 'max_selected_items', ...INTERACTIVE],
    check: (ctx, el, p) => {
      stringList(ctx, el, 'initial_channels', p);
      multi(ctx, el, p);
      interactive(ctx, el, p);
    },
  },
  // overflow-menu-element: up to five plain_text options, which may carry a url.
  overflow: {
    keys: ['options', 'confirm'],
    check: (ctx, el, p) => {
      checkOptions(ctx, el, 'options', p, { required: true, max: 5, min: 1 }, { url: true });
      checkConfirm(ctx, el, 'confirm', p);
    },
  },
};
