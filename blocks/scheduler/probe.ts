import type { KnownBlock } from '@slack/types';
import type { ProbeIncidentRef } from '../../src/probes/types.js';
import { escapeText, truncate } from '../escape.js';
import { slackDate } from '../readiness/format.js';
import type { Message } from '../readiness/service.js';

/** The label every probe-detected incident carries, in the alarm module's thread or in this fallback. */
export const DETECTED_BY_PROBE = ':satellite_antenna: Detected by outside-in probe from the recovery Region';

/** Fallback incident message when the alarm module's incident threads are not wired. */
export function probeIncidentMessage(
  ref: ProbeIncidentRef,
  input: { readonly failures: number; readonly detail: string; readonly firstFailedAtMs: number },
): Message {
  const service = escapeText(ref.service);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `:rotating_light: *${service}*: probe \`${escapeText(ref.probeId)}\` failed ${input.failures} times in a row\n${escapeText(truncate(input.detail, 500))}`,
          3_000,
        ),
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${DETECTED_BY_PROBE}. Target: ${escapeText(truncate(ref.target, 300))}. Failing since ${slackDate(input.firstFailedAtMs)}.`,
        },
      ],
    },
  ];
  return {
    text: truncate(escapeText(`${ref.service}: probe ${ref.probeId} failing (${input.detail})`), 3_000),
    blocks,
  };
}

export function probeResolvedMessage(ref: ProbeIncidentRef, detail: string): Message {
  const text = `:white_check_mark: *${escapeText(ref.service)}*: probe \`${escapeText(ref.probeId)}\` succeeds again (${escapeText(truncate(detail, 500))}). Incident resolved.`;
  return {
    text: truncate(escapeText(`${ref.service}: probe ${ref.probeId} recovered`), 3_000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3_000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: DETECTED_BY_PROBE }] },
    ],
  };
}
