/**
 * Layout blocks. Fields, limits and surfaces from https://docs.slack.dev/reference/block-kit/blocks (one page per
 * block; surfaces from the docs' blocks.json). Not modelled (reported as unsupported): table, context_actions,
 * alert, card, carousel, container, data_table, task_card, plan.
 */

import { checkImageSource, checkText, checkTextValue } from './blockkit-composition.js';
import {
  at,
  type Ctx,
  checkArray,
  checkBoolean,
  checkKeys,
  checkString,
  isRecord,
  type Json,
  report,
  type Surface,
  typedObject,
} from './blockkit-core.js';
import { checkElement } from './blockkit-elements.js';
import { MULTI_SELECTS, SELECTS } from './blockkit-menus.js';

type BlockCheck = (ctx: Ctx, block: Json, pointer: string, surface: Surface) => void;

interface BlockSpec {
  /** Properties the block accepts besides `type` and `block_id`. */
  readonly keys: readonly string[];
  readonly surfaces: readonly Surface[];
  readonly check: BlockCheck;
}

const ALL_SURFACES: readonly Surface[] = ['message', 'modal', 'home'];

// section-block: "compatible block elements" (also @slack/types SectionBlockAccessory).
const SECTION_ACCESSORIES = [
  'button',
  'checkboxes',
  'datepicker',
  'image',
  ...SELECTS,
  ...MULTI_SELECTS,
  'overflow',
  'radio_buttons',
  'timepicker',
];
// actions-block: interactive elements (also @slack/types ActionsBlockElement).
const ACTIONS_ELEMENTS = [
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  ...SELECTS,
  ...MULTI_SELECTS,
  'overflow',
  'radio_buttons',
  'timepicker',
];
// input-block: input elements (also @slack/types InputBlockElement).
const INPUT_ELEMENTS = [
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  ...SELECTS,
  ...MULTI_SELECTS,
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'timepicker',
  'url_text_input',
];
const RICH_TEXT_CONTAINERS = [
  'rich_text_section',
  'rich_text_list',
  'rich_text_preformatted',
  'rich_text_quote',
];
const RICH_TEXT_LEAVES = [
  'text',
  'emoji',
  'link',
  'user',
  'usergroup',
  'channel',
  'broadcast',
  'color',
  'date',
];

/**
 * Section: text 1..3000, or fields (at most 10, each text at most 2000); one of them is required
 * (section-block). Slack's observed message for neither points at the block's `type`.
 */
function section(ctx: Ctx, block: Json, p: string): void {
  if (block.text === undefined && block.fields === undefined) {
    report(ctx, 'must define either `text` or `fields`', at(p, 'type'));
  }
  checkText(ctx, block, 'text', p, { max: 3000 });
  const fields = checkArray(ctx, block, 'fields', p, { max: 10, min: 1 });
  fields?.forEach((field, i) => {
    checkTextValue(ctx, field, at(at(p, 'fields'), i), { max: 2000 });
  });
  if (block.accessory !== undefined) {
    checkElement(ctx, block.accessory, at(p, 'accessory'), SECTION_ACCESSORIES, 'section accessory');
  }
  checkBoolean(ctx, block, 'expand', p);
}

/** Context: 1..10 elements, each an image element or a text object (context-block). */
function context(ctx: Ctx, block: Json, p: string): void {
  const elements = checkArray(ctx, block, 'elements', p, { required: true, max: 10, min: 1 });
  elements?.forEach((element, i) => {
    const here = at(at(p, 'elements'), i);
    if (isRecord(element) && (element.type === 'plain_text' || element.type === 'mrkdwn')) {
      checkTextValue(ctx, element, here);
    } else {
      checkElement(ctx, element, here, ['image'], 'context');
    }
  });
}

/** Actions: 1..25 interactive elements whose action_ids are unique within the block (actions-block). */
function actions(ctx: Ctx, block: Json, p: string): void {
  const elements = checkArray(ctx, block, 'elements', p, { required: true, max: 25, min: 1 });
  const seen = new Set<string>();
  elements?.forEach((element, i) => {
    const here = at(at(p, 'elements'), i);
    const actionId = checkElement(ctx, element, here, ACTIONS_ELEMENTS, 'actions');
    if (actionId === undefined) return;
    if (seen.has(actionId)) report(ctx, `duplicate action_id: ${actionId}`, at(here, 'action_id'));
    seen.add(actionId);
  });
}

/**
 * Input: label plain_text <= 2000 (required), one input element (required), hint plain_text <= 2000
 * (input-block). Messages have no submit button, so an input block there only reaches the app through
 * `dispatch_action: true`; Slack rejected a message input block without it (slackapi/python-slack-sdk#1257).
 */
function input(ctx: Ctx, block: Json, p: string, surface: Surface): void {
  checkText(ctx, block, 'label', p, { required: true, plainOnly: true, max: 2000 });
  checkText(ctx, block, 'hint', p, { plainOnly: true, max: 2000 });
  checkBoolean(ctx, block, 'optional', p);
  checkBoolean(ctx, block, 'dispatch_action', p);
  if (block.element === undefined) report(ctx, 'missing required field: element', p);
  else checkElement(ctx, block.element, at(p, 'element'), INPUT_ELEMENTS, 'input');
  if (surface === 'message' && block.dispatch_action !== true) {
    report(ctx, 'input blocks in messages require dispatch_action: true', at(p, 'dispatch_action'));
  }
}

/** Image: alt_text <= 2000 (required), image_url <= 3000 or slack_file, title plain_text <= 2000 (image-block). */
function image(ctx: Ctx, block: Json, p: string): void {
  checkString(ctx, block, 'alt_text', p, { required: true, min: 1, max: 2000 });
  checkImageSource(ctx, block, p);
  checkText(ctx, block, 'title', p, { plainOnly: true, max: 2000 });
}

/** Rich text: structure only (container and leaf element types); inner styling is not checked. */
function richText(ctx: Ctx, block: Json, p: string): void {
  const elements = checkArray(ctx, block, 'elements', p, { required: true });
  elements?.forEach((element, i) => {
    const here = at(at(p, 'elements'), i);
    const type = richTextType(ctx, element, here, RICH_TEXT_CONTAINERS);
    if (type === undefined || !isRecord(element)) return;
    // Lists nest sections; the other containers hold leaves.
    const kinds = type === 'rich_text_list' ? ['rich_text_section'] : RICH_TEXT_LEAVES;
    const children = checkArray(ctx, element, 'elements', here, { required: true });
    children?.forEach((child, j) => {
      richTextType(ctx, child, at(at(here, 'elements'), j), kinds);
    });
  });
}

function richTextType(
  ctx: Ctx,
  value: unknown,
  pointer: string,
  kinds: readonly string[],
): string | undefined {
  if (!isRecord(value)) {
    report(ctx, 'must provide an object', pointer);
    return undefined;
  }
  if (typeof value.type === 'string' && kinds.includes(value.type)) return value.type;
  report(ctx, `unsupported type: ${String(value.type)}`, at(pointer, 'type'));
  return undefined;
}

/** Video: alt_text, title (< 200), thumbnail_url and video_url required; author_name < 50 (video-block). */
function video(ctx: Ctx, block: Json, p: string): void {
  checkString(ctx, block, 'alt_text', p, { required: true, min: 1 });
  checkText(ctx, block, 'title', p, { required: true, plainOnly: true, max: 199 });
  checkString(ctx, block, 'thumbnail_url', p, { required: true, min: 1 });
  checkString(ctx, block, 'video_url', p, { required: true, min: 1 });
  checkString(ctx, block, 'title_url', p);
  checkString(ctx, block, 'author_name', p, { max: 49 });
  checkString(ctx, block, 'provider_name', p);
  checkString(ctx, block, 'provider_icon_url', p);
  checkText(ctx, block, 'description', p, { plainOnly: true });
}

const SPECS: Readonly<Record<string, BlockSpec>> = {
  section: { keys: ['text', 'fields', 'accessory', 'expand'], surfaces: ALL_SURFACES, check: section },
  // header-block: plain_text, at most 150 characters.
  header: {
    keys: ['text'],
    surfaces: ALL_SURFACES,
    check: (ctx, block, p) => checkText(ctx, block, 'text', p, { required: true, plainOnly: true, max: 150 }),
  },
  divider: { keys: [], surfaces: ALL_SURFACES, check: () => undefined },
  context: { keys: ['elements'], surfaces: ALL_SURFACES, check: context },
  actions: { keys: ['elements'], surfaces: ALL_SURFACES, check: actions },
  input: {
    keys: ['label', 'element', 'hint', 'optional', 'dispatch_action'],
    surfaces: ALL_SURFACES,
    check: input,
  },
  image: { keys: ['alt_text', 'image_url', 'slack_file', 'title'], surfaces: ALL_SURFACES, check: image },
  rich_text: { keys: ['elements'], surfaces: ALL_SURFACES, check: richText },
  video: {
    keys: [
      'alt_text',
      'title',
      'thumbnail_url',
      'video_url',
      'title_url',
      'author_name',
      'provider_name',
      'provider_icon_url',
      'description',
    ],
    surfaces: ALL_SURFACES,
    check: video,
  },
  // file-block: messages only; source is always "remote".
  file: {
    keys: ['external_id', 'source'],
    surfaces: ['message'],
    check: (ctx, block, p) => {
      checkString(ctx, block, 'external_id', p, { required: true, min: 1 });
      if (block.source === undefined) report(ctx, 'missing required field: source', p);
      else if (block.source !== 'remote') report(ctx, 'must be one of: remote', at(p, 'source'));
    },
  },
  // markdown-block: a raw string of at most 12,000 characters, for messages.
  markdown: {
    keys: ['text'],
    surfaces: ['message'],
    check: (ctx, block, p) => {
      checkString(ctx, block, 'text', p, { required: true, min: 1, max: 12000 });
    },
  },
};

/** Validates one block for a surface; returns its type when it is a known block type. */
export function checkBlock(ctx: Ctx, value: unknown, pointer: string, surface: Surface): string | undefined {
  const typed = typedObject(
    ctx,
    value,
    pointer,
    SPECS,
    (_type, spec) => spec.surfaces.includes(surface),
    `${surface} surfaces`,
  );
  if (!typed) return undefined;
  const { object, type, spec } = typed;
  checkKeys(ctx, object, ['type', 'block_id', ...spec.keys], pointer);
  // block_id: 1..255 characters (every block page).
  checkString(ctx, object, 'block_id', pointer, { max: 255, min: 1 });
  spec.check(ctx, object, pointer, surface);
  return type;
}
