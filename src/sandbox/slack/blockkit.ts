/**
 * Block Kit validation against Slack's published limits, used by the sandbox Slack emulator to reject what the
 * real Web API would reject (`invalid_blocks` for messages, `invalid_arguments` for views). Problems read like
 * Slack's `response_metadata.messages`, e.g. `[ERROR] must be less than 151 characters
 * [json-pointer:/blocks/0/text/text]`.
 *
 * Sources: https://docs.slack.dev/reference/block-kit/blocks ("up to 50 blocks in each message, and 100 blocks in
 * modals or Home tabs"), https://docs.slack.dev/reference/views/modal-views and .../home-tab-views (view fields),
 * the views.update method docs (external_id at most 255 characters). Per-object limits are cited next to each
 * check in blockkit-blocks.ts, blockkit-elements.ts and blockkit-composition.ts.
 */
import { checkBlock } from './blockkit-blocks.js';
import { checkText } from './blockkit-composition.js';
import {
  at,
  type Ctx,
  checkArrayValue,
  checkBoolean,
  checkEnum,
  checkKeys,
  checkString,
  isRecord,
  newCtx,
  report,
  type Surface,
} from './blockkit-core.js';

export type { Surface } from './blockkit-core.js';

const MAX_BLOCKS: Readonly<Record<Surface, number>> = { message: 50, modal: 100, home: 100 };

interface BlocksSummary {
  readonly hasInput: boolean;
}

/**
 * Walks a blocks array at `pointer`: count limit, each block, and block_id uniqueness across the payload
 * ("block_id should be unique for each message or view", block pages).
 */
function checkBlocks(ctx: Ctx, blocks: unknown, surface: Surface, pointer: string): BlocksSummary {
  const list = checkArrayValue(ctx, blocks, pointer, { max: MAX_BLOCKS[surface] });
  if (!list) return { hasInput: false };
  const blockIds = new Set<string>();
  let hasInput = false;
  list.forEach((block, i) => {
    const here = at(pointer, i);
    const type = checkBlock(ctx, block, here, surface);
    if (type === 'input') hasInput = true;
    if (!isRecord(block) || typeof block.block_id !== 'string') return;
    if (blockIds.has(block.block_id))
      report(ctx, `duplicate block_id: ${block.block_id}`, at(here, 'block_id'));
    blockIds.add(block.block_id);
  });
  return { hasInput };
}

/** Problems in a blocks array for a surface, as Slack would report them; empty when valid. */
export function validateBlocks(blocks: unknown, surface: Surface): string[] {
  const ctx = newCtx();
  checkBlocks(ctx, blocks, surface, '/blocks');
  return ctx.problems;
}

const COMMON_VIEW_KEYS = ['type', 'blocks', 'private_metadata', 'callback_id', 'external_id'];
const MODAL_KEYS = [...COMMON_VIEW_KEYS, 'title', 'close', 'submit', 'clear_on_close', 'notify_on_close'];

/**
 * Validates a whole view payload (type modal|home, title/submit/close limits, callback_id, private_metadata 3000,
 * blocks). Pointers start at `/view`, as Slack's views.* responses do.
 */
export function validateView(view: unknown): string[] {
  const ctx = newCtx();
  const pointer = '/view';
  if (!isRecord(view)) {
    report(ctx, 'must provide an object', pointer);
    return ctx.problems;
  }
  const type = checkEnum(ctx, view, 'type', pointer, ['modal', 'home'], true);
  if (type === undefined) return ctx.problems;
  checkKeys(ctx, view, type === 'modal' ? MODAL_KEYS : COMMON_VIEW_KEYS, pointer);
  // modal-views / home-tab-views: private_metadata <= 3000, callback_id <= 255; views.update: external_id <= 255.
  checkString(ctx, view, 'private_metadata', pointer, { max: 3000 });
  checkString(ctx, view, 'callback_id', pointer, { max: 255 });
  checkString(ctx, view, 'external_id', pointer, { max: 255, min: 1 });
  let summary: BlocksSummary = { hasInput: false };
  if (view.blocks === undefined) report(ctx, 'missing required field: blocks', pointer);
  else summary = checkBlocks(ctx, view.blocks, type, at(pointer, 'blocks'));
  if (type === 'modal') {
    // modal-views: title required, plain_text <= 24; close/submit plain_text <= 24; submit required with inputs.
    checkText(ctx, view, 'title', pointer, { required: true, plainOnly: true, max: 24 });
    checkText(ctx, view, 'close', pointer, { plainOnly: true, max: 24 });
    checkText(ctx, view, 'submit', pointer, { plainOnly: true, max: 24 });
    if (summary.hasInput && view.submit === undefined) {
      report(ctx, 'missing required field: submit (required when the view has input blocks)', pointer);
    }
    checkBoolean(ctx, view, 'clear_on_close', pointer);
    checkBoolean(ctx, view, 'notify_on_close', pointer);
  }
  return ctx.problems;
}
