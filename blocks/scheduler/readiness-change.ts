import type { KnownBlock } from '@slack/types';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { Verdict } from '../../src/readiness/types.js';
import { escapeText, truncate } from '../escape.js';
import {
  rpoLine,
  rtoLine,
  slackDate,
  VERDICT_EMOJI,
  VERDICT_LABEL,
  worstReason,
} from '../readiness/format.js';
import type { Message } from '../readiness/service.js';

export interface ReadinessChange {
  readonly direction: 'regressed' | 'recovered';
  readonly from: Verdict;
  readonly result: ServiceReadiness;
}

/** Posted to the service's channel when the scheduled check sees its verdict get worse or better. */
export function readinessChangeMessage(change: ReadinessChange): Message {
  const { result, from, direction } = change;
  const service = escapeText(result.service);
  const arrow = `${VERDICT_LABEL[from]} → ${VERDICT_LABEL[result.verdict]}`;
  const headline =
    direction === 'regressed'
      ? `:warning: *${service}* DR readiness regressed: ${arrow}`
      : `:white_check_mark: *${service}* DR readiness recovered: ${arrow}`;
  const why = worstReason(result);
  const lines = [
    `${headline}  ${VERDICT_EMOJI[result.verdict]}`,
    `${rpoLine(result)}   ${rtoLine(result)}`,
    ...(why ? [`_${escapeText(truncate(why, 600))}_`] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3_000) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Scheduled readiness check, ${slackDate(result.checkedAt)}. \`/dr status ${service}\` shows every check.`,
        },
      ],
    },
  ];
  const text = `${result.service} DR readiness ${direction}: ${arrow}${why ? ` (${truncate(why, 200)})` : ''}`;
  return { text: truncate(escapeText(text), 3_000), blocks };
}
