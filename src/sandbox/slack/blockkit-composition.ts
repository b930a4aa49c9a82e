/**
 * Composition objects: text, confirmation dialog, option, option group, dispatch action config, conversation
 * filter, Slack file. Limits from https://docs.slack.dev/reference/block-kit/composition-objects (one page per
 * object, cited below).
 */
import {
  at,
  type Ctx,
  checkArray,
  checkBoolean,
  checkEnum,
  checkKeys,
  checkObject,
  checkString,
  type Json,
  report,
} from './blockkit-core.js';

/** Text object: `text` is 1..3000 characters (composition-objects/text-object). */
export const TEXT_MAX = 3000;

export interface TextRule {
  /** The field only accepts `plain_text` (labels, titles, button text, placeholders...). */
  readonly plainOnly?: boolean;
  /** Field-specific maximum for the inner `text` (defaults to the text object's 3000). */
  readonly max?: number;
}

/** Validates a text object value found at `pointer`. */
export function checkTextValue(ctx: Ctx, value: unknown, pointer: string, rule: TextRule = {}): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(ctx, 'must provide an object', pointer);
    return;
  }
  const obj = value as Json;
  const type = checkEnum(
    ctx,
    obj,
    'type',
    pointer,
    rule.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'],
    true,
  );
  // `emoji` only exists on plain_text, `verbatim` only on mrkdwn (text-object page).
  checkKeys(ctx, obj, type === 'mrkdwn' ? ['type', 'text', 'verbatim'] : ['type', 'text', 'emoji'], pointer);
  checkBoolean(ctx, obj, type === 'mrkdwn' ? 'verbatim' : 'emoji', pointer);
  checkString(ctx, obj, 'text', pointer, { required: true, min: 1, max: rule.max ?? TEXT_MAX });
}

/** Validates `obj[key]` as a text object when present (or reports it missing when required). */
export function checkText(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  rule: TextRule & { readonly required?: boolean } = {},
): void {
  const value = obj[key];
  if (value === undefined) {
    if (rule.required) report(ctx, `missing required field: ${key}`, pointer);
    return;
  }
  checkTextValue(ctx, value, at(pointer, key), rule);
}

/**
 * Confirmation dialog (composition-objects/confirmation-dialog-object): title, text, confirm and deny are all
 * required; title <= 100, text <= 300, confirm/deny <= 30; style primary|danger. The docs now say `text` is
 * plain_text, but @slack/types and older docs allow mrkdwn, so both are accepted there.
 */
export function checkConfirm(ctx: Ctx, obj: Json, key: string, pointer: string): void {
  const confirm = checkObject(ctx, obj, key, pointer);
  if (!confirm) return;
  const here = at(pointer, key);
  checkKeys(ctx, confirm, ['title', 'text', 'confirm', 'deny', 'style'], here);
  checkText(ctx, confirm, 'title', here, { required: true, plainOnly: true, max: 100 });
  checkText(ctx, confirm, 'text', here, { required: true, max: 300 });
  checkText(ctx, confirm, 'confirm', here, { required: true, plainOnly: true, max: 30 });
  checkText(ctx, confirm, 'deny', here, { required: true, plainOnly: true, max: 30 });
  checkEnum(ctx, confirm, 'style', here, ['primary', 'danger']);
}

export interface OptionRule {
  /** Radio buttons and checkboxes accept mrkdwn option text; menus and overflow accept plain_text only. */
  readonly mrkdwn?: boolean;
  /** `url` is only available on overflow menu options. */
  readonly url?: boolean;
}

/**
 * Option object (composition-objects/option-object): text <= 75, value <= 150 (required), description
 * (plain_text) <= 75, url <= 3000 and only in overflow menus. Returns the option's value.
 */
export function checkOption(
  ctx: Ctx,
  value: unknown,
  pointer: string,
  rule: OptionRule = {},
): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(ctx, 'must provide an object', pointer);
    return undefined;
  }
  const option = value as Json;
  checkKeys(
    ctx,
    option,
    rule.url ? ['text', 'value', 'description', 'url'] : ['text', 'value', 'description'],
    pointer,
  );
  checkText(ctx, option, 'text', pointer, { required: true, plainOnly: !rule.mrkdwn, max: 75 });
  checkText(ctx, option, 'description', pointer, { plainOnly: true, max: 75 });
  if (rule.url) checkString(ctx, option, 'url', pointer, { max: 3000 });
  return checkString(ctx, option, 'value', pointer, { required: true, max: 150 });
}

/** Validates an array of options under `obj[key]`; returns the option values seen. */
export function checkOptions(
  ctx: Ctx,
  obj: Json,
  key: string,
  pointer: string,
  limits: { readonly required?: boolean; readonly max: number; readonly min?: number },
  rule: OptionRule = {},
): string[] {
  const options = checkArray(ctx, obj, key, pointer, limits);
  if (!options) return [];
  const values: string[] = [];
  options.forEach((option, i) => {
    const value = checkOption(ctx, option, at(at(pointer, key), i), rule);
    if (value !== undefined) values.push(value);
  });
  return values;
}

/** Option group (composition-objects/option-group-object): label plain_text <= 75, options <= 100. */
export function checkOptionGroups(ctx: Ctx, obj: Json, key: string, pointer: string): string[] {
  const groups = checkArray(ctx, obj, key, pointer, { max: 100, min: 1 });
  if (!groups) return [];
  const values: string[] = [];
  groups.forEach((group, i) => {
    const here = at(at(pointer, key), i);
    if (typeof group !== 'object' || group === null || Array.isArray(group)) {
      report(ctx, 'must provide an object', here);
      return;
    }
    const g = group as Json;
    checkKeys(ctx, g, ['label', 'options'], here);
    checkText(ctx, g, 'label', here, { required: true, plainOnly: true, max: 75 });
    values.push(...checkOptions(ctx, g, 'options', here, { required: true, max: 100, min: 1 }));
  });
  return values;
}

/** Dispatch action configuration (composition-objects/dispatch-action-configuration-object). */
export function checkDispatchActionConfig(ctx: Ctx, obj: Json, key: string, pointer: string): void {
  const config = checkObject(ctx, obj, key, pointer);
  if (!config) return;
  const here = at(pointer, key);
  checkKeys(ctx, config, ['trigger_actions_on'], here);
  const triggers = checkArray(ctx, config, 'trigger_actions_on', here, { min: 1, max: 2 });
  triggers?.forEach((trigger, i) => {
    if (trigger !== 'on_enter_pressed' && trigger !== 'on_character_entered') {
      report(
        ctx,
        'must be one of: on_enter_pressed, on_character_entered',
        at(at(here, 'trigger_actions_on'), i),
      );
    }
  });
}

/** Conversation filter (composition-objects/conversation-filter-object): at least one field; include non-empty. */
export function checkConversationFilter(ctx: Ctx, obj: Json, key: string, pointer: string): void {
  const filter = checkObject(ctx, obj, key, pointer);
  if (!filter) return;
  const here = at(pointer, key);
  checkKeys(ctx, filter, ['include', 'exclude_external_shared_channels', 'exclude_bot_users'], here);
  if (Object.keys(filter).length === 0) report(ctx, 'must define at least one filter field', here);
  const include = checkArray(ctx, filter, 'include', here, { min: 1 });
  include?.forEach((kind, i) => {
    if (kind !== 'im' && kind !== 'mpim' && kind !== 'private' && kind !== 'public') {
      report(ctx, 'must be one of: im, mpim, private, public', at(at(here, 'include'), i));
    }
  });
  checkBoolean(ctx, filter, 'exclude_external_shared_channels', here);
  checkBoolean(ctx, filter, 'exclude_bot_users', here);
}

/**
 * Image source shared by the image block and image element: exactly one of `image_url` (<= 3000) or
 * `slack_file` (an object with exactly one of `url` or `id`, composition-objects/slack-file-object).
 */
export function checkImageSource(ctx: Ctx, obj: Json, pointer: string): void {
  const hasUrl = obj.image_url !== undefined;
  const hasFile = obj.slack_file !== undefined;
  if (hasUrl === hasFile) {
    report(
      ctx,
      hasUrl ? 'must not define both `image_url` and `slack_file`' : 'missing required field: image_url',
      pointer,
    );
  }
  checkString(ctx, obj, 'image_url', pointer, { max: 3000, min: 1 });
  const file = checkObject(ctx, obj, 'slack_file', pointer);
  if (!file) return;
  const here = at(pointer, 'slack_file');
  checkKeys(ctx, file, ['url', 'id'], here);
  if ((file.url === undefined) === (file.id === undefined))
    report(ctx, 'must define exactly one of `url` or `id`', here);
  checkString(ctx, file, 'url', here, { min: 1 });
  checkString(ctx, file, 'id', here, { min: 1 });
}
