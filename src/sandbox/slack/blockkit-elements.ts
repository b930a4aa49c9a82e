/**
 * Block elements. Fields and limits from https://docs.slack.dev/reference/block-kit/block-elements (one page per
 * element) and the field docs in @slack/types `block-kit/block-elements.d.ts`. Not modelled (reported as
 * unsupported): workflow_button, rich_text_input, file_input, feedback_buttons, icon_button. Menus live in
 * blockkit-menus.ts.
 */

import {
  checkConfirm,
  checkDispatchActionConfig,
  checkImageSource,
  checkOption,
  checkOptions,
  checkText,
} from './blockkit-composition.js';
import {
  at,
  type Ctx,
  checkBoolean,
  checkEnum,
  checkInteger,
  checkKeys,
  checkString,
  type Json,
  report,
  typedObject,
} from './blockkit-core.js';
import { type ElementSpec, INTERACTIVE, interactive, MENU_SPECS, placeholder } from './blockkit-menus.js';

/** Text inputs share initial_value, dispatch_action_config, focus_on_load and placeholder. */
function textInput(ctx: Ctx, el: Json, pointer: string): void {
  checkString(ctx, el, 'initial_value', pointer);
  checkDispatchActionConfig(ctx, el, 'dispatch_action_config', pointer);
  checkBoolean(ctx, el, 'focus_on_load', pointer);
  placeholder(ctx, el, pointer);
}

const TEXT_INPUT = ['initial_value', 'dispatch_action_config', 'focus_on_load', 'placeholder'] as const;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const SPECS: Readonly<Record<string, ElementSpec>> = {
  ...MENU_SPECS,
  // button-element: text plain_text <= 75, url <= 3000, value <= 2000, style primary|danger, a11y label <= 75.
  button: {
    keys: ['text', 'url', 'value', 'style', 'confirm', 'accessibility_label'],
    check: (ctx, el, p) => {
      checkText(ctx, el, 'text', p, { required: true, plainOnly: true, max: 75 });
      checkString(ctx, el, 'url', p, { max: 3000, min: 1 });
      checkString(ctx, el, 'value', p, { max: 2000 });
      checkEnum(ctx, el, 'style', p, ['primary', 'danger']);
      checkConfirm(ctx, el, 'confirm', p);
      checkString(ctx, el, 'accessibility_label', p, { max: 75 });
    },
  },
  // checkboxes-element / radio-button-element: 1..10 options, mrkdwn option text allowed.
  checkboxes: {
    keys: ['options', 'initial_options', 'confirm', 'focus_on_load'],
    check: (ctx, el, p) => {
      checkOptions(ctx, el, 'options', p, { required: true, max: 10, min: 1 }, { mrkdwn: true });
      checkOptions(ctx, el, 'initial_options', p, { max: 10 }, { mrkdwn: true });
      checkConfirm(ctx, el, 'confirm', p);
      checkBoolean(ctx, el, 'focus_on_load', p);
    },
  },
  radio_buttons: {
    keys: ['options', 'initial_option', 'confirm', 'focus_on_load'],
    check: (ctx, el, p) => {
      checkOptions(ctx, el, 'options', p, { required: true, max: 10, min: 1 }, { mrkdwn: true });
      if (el.initial_option !== undefined)
        checkOption(ctx, el.initial_option, at(p, 'initial_option'), { mrkdwn: true });
      checkConfirm(ctx, el, 'confirm', p);
      checkBoolean(ctx, el, 'focus_on_load', p);
    },
  },
  // date-picker-element: initial_date YYYY-MM-DD.
  datepicker: {
    keys: ['initial_date', ...INTERACTIVE],
    check: (ctx, el, p) => {
      const date = checkString(ctx, el, 'initial_date', p);
      if (date !== undefined && !DATE.test(date))
        report(ctx, 'must be a date in YYYY-MM-DD format', at(p, 'initial_date'));
      interactive(ctx, el, p);
    },
  },
  // time-picker-element: initial_time HH:mm (24h), optional IANA timezone.
  timepicker: {
    keys: ['initial_time', 'timezone', ...INTERACTIVE],
    check: (ctx, el, p) => {
      const time = checkString(ctx, el, 'initial_time', p);
      if (time !== undefined && !TIME.test(time))
        report(ctx, 'must be a time in HH:mm format', at(p, 'initial_time'));
      checkString(ctx, el, 'timezone', p, { min: 1 });
      interactive(ctx, el, p);
    },
  },
  // datetime-picker-element: initial_date_time is a UNIX timestamp in seconds; no placeholder.
  datetimepicker: {
    keys: ['initial_date_time', 'confirm', 'focus_on_load'],
    check: (ctx, el, p) => {
      checkInteger(ctx, el, 'initial_date_time', p, { min: 0 });
      checkConfirm(ctx, el, 'confirm', p);
      checkBoolean(ctx, el, 'focus_on_load', p);
    },
  },
  // plain-text-input-element: min_length 0..3000, max_length 1..3000.
  plain_text_input: {
    keys: ['multiline', 'min_length', 'max_length', ...TEXT_INPUT],
    check: (ctx, el, p) => {
      checkBoolean(ctx, el, 'multiline', p);
      checkInteger(ctx, el, 'min_length', p, { min: 0, max: 3000 });
      checkInteger(ctx, el, 'max_length', p, { min: 1, max: 3000 });
      textInput(ctx, el, p);
    },
  },
  email_text_input: { keys: TEXT_INPUT, check: textInput },
  url_text_input: { keys: TEXT_INPUT, check: textInput },
  // number-input-element: is_decimal_allowed is required; values are strings.
  number_input: {
    keys: ['is_decimal_allowed', 'min_value', 'max_value', ...TEXT_INPUT],
    check: (ctx, el, p) => {
      checkBoolean(ctx, el, 'is_decimal_allowed', p, true);
      checkString(ctx, el, 'min_value', p);
      checkString(ctx, el, 'max_value', p);
      textInput(ctx, el, p);
    },
  },
  // image-element: alt_text required; image_url <= 3000 or slack_file.
  image: {
    keys: ['alt_text', 'image_url', 'slack_file'],
    noActionId: true,
    check: (ctx, el, p) => {
      checkString(ctx, el, 'alt_text', p, { required: true, min: 1 });
      checkImageSource(ctx, el, p);
    },
  },
};

/**
 * Validates the element at `pointer` and returns its action_id (when it has a string one) for uniqueness checks.
 * `allowed` lists the element types the containing block accepts; `where` names it in messages.
 */
export function checkElement(
  ctx: Ctx,
  value: unknown,
  pointer: string,
  allowed: readonly string[],
  where: string,
): string | undefined {
  const typed = typedObject(ctx, value, pointer, SPECS, (type) => allowed.includes(type), where);
  if (!typed) return undefined;
  const { object, spec } = typed;
  checkKeys(
    ctx,
    object,
    spec.noActionId ? ['type', ...spec.keys] : ['type', 'action_id', ...spec.keys],
    pointer,
  );
  spec.check(ctx, object, pointer);
  if (spec.noActionId) return undefined;
  // action_id: at most 255 characters (extensions.d.ts `Action`).
  return checkString(ctx, object, 'action_id', pointer, { max: 255, min: 1 });
}
