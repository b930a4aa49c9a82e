import { escapeText, truncate } from '../escape.js';
import type { Message } from './service.js';

/** Shown at once while the checks run; replaced by the card. */
export function checkingMessage(service?: string): Message {
  // The fallback text is plain (notifications, screen readers): no mrkdwn there.
  const name = service ? escapeText(service) : undefined;
  const text = `Checking readiness of ${name ?? 'every service'}…`;
  const mrkdwn = `:hourglass_flowing_sand: Checking readiness of ${name ? `*${name}*` : 'every service'}…`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] };
}

export function unknownServiceMessage(service: string, known: readonly string[]): Message {
  const list = known.map((k) => `\`${escapeText(k)}\``).join(', ');
  const text = truncate(
    `:warning: No service \`${escapeText(service)}\` in the DR plan. Known services: ${list}.`,
    3_000,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function checkFailedMessage(reason: string): Message {
  const text = truncate(
    `:x: Readiness could not be checked: ${escapeText(reason)}. Nothing else was done; the error is logged.`,
    3_000,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The answer to the Dry-run / Request failover buttons until the runbook issue lands. */
