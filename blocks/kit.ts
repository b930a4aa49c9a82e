import type { Button, ContextBlock, SectionBlock } from '@slack/types';
import { truncate } from './escape.js';

/** The Block Kit pieces every card is made of, each within Slack's limits (3,000 characters of text). */

export const MAX_SECTION = 3_000;

export const section = (text: string, blockId?: string): SectionBlock => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION) },
});

export const context = (text: string): ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, MAX_SECTION) }],
});

/** A button; with `confirm`, Slack asks first (a danger button's dialog is styled danger too). */
export const button = (
  text: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
  confirm?: { title: string; text: string; ok: string },
): Button => ({
  type: 'button',
  text: { type: 'plain_text', text },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
  ...(confirm
    ? {
        confirm: {
          title: { type: 'plain_text', text: confirm.title },
          text: { type: 'mrkdwn', text: confirm.text },
          confirm: { type: 'plain_text', text: confirm.ok },
          deny: { type: 'plain_text', text: 'Cancel' },
          ...(style === 'danger' ? { style: 'danger' as const } : {}),
        },
      }
    : {}),
});
