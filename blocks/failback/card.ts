import type { KnownBlock } from '@slack/types';
import { failbackGate, offeredSetup } from '../../src/failback/gate.js';
import type { FailbackReadiness, ReverseStatus, SetupRecord } from '../../src/failback/types.js';
import { escapeText, truncate } from '../escape.js';
import { ActionId, BlockId } from '../ids.js';
import { button, section } from '../kit.js';
import { slackDate } from '../readiness/format.js';

export interface Message {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const EMOJI: Record<ReverseStatus, string> = {
  ready: ':white_check_mark:',
  'catching-up': ':arrows_counterclockwise:',
  missing: ':x:',
  blocked: ':no_entry:',
  unknown: ':white_circle:',
};
const SETUP_WORD = { intent: 'starting', called: 'in progress', done: 'done', failed: 'failed' } as const;

/**
 * The failback readiness card: where the service serves from, reverse replication per resource, what must be
 * done by hand (exact commands), the setup steps Lifeboat offers (exact calls), their progress, and — only
 * when everything is ready — the request button for the planned switch back.
 */
export function failbackCard(readiness: FailbackReadiness, setup?: SetupRecord): Message {
  const s = escapeText(readiness.service);
  const gate = failbackGate(readiness);
  const where =
    readiness.serving === 'recovery'
      ? `serves from its recovery Region \`${escapeText(readiness.recoveryRegion)}\``
      : readiness.serving === 'primary'
        ? `serves from its primary Region \`${escapeText(readiness.primaryRegion)}\``
        : 'serves from an unknown Region';
  const blocks: KnownBlock[] = [
    section(
      `:leftwards_arrow_with_hook: *Failback of ${s}* to \`${escapeText(readiness.primaryRegion)}\`\n${s} ${where} (${escapeText(readiness.servingReason)}). Checked ${slackDate(readiness.checkedAtMs)}.`,
      BlockId.failbackCard,
    ),
    section(
      `*Replication back to ${escapeText(readiness.primaryRegion)}*\n${readiness.items
        .map((i) => `${EMOJI[i.status]} \`${escapeText(i.resourceId)}\` ${escapeText(truncate(i.text, 300))}`)
        .join('\n')}`,
    ),
  ];
  const byHand = readiness.items.filter((i) => i.byHand);
  if (byHand.length > 0)
    blocks.push(
      section(
        `*To do by hand*\n${byHand
          .map(
            (i) =>
              `:point_right: \`${escapeText(i.resourceId)}\` ${escapeText(truncate(i.byHand ?? '', 900))}`,
          )
          .join('\n')}`,
      ),
    );
  const offered = offeredSetup(readiness);
  if (offered.length > 0)
    blocks.push(
      section(
        `*Setup Lifeboat can do* (an approver of ${s} runs it; each call is audited):\n${offered
          .map((x) => `• ${escapeText(truncate(x.description, 300))} — \`${x.command}\` in \`${x.region}\``)
          .join('\n')}`,
      ),
    );
  const tracked = setup ? Object.values(setup.steps) : [];
  if (tracked.length > 0)
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(
            `Setup approved by <@${setup?.approvedBy}>: ${tracked
              .map(
                (t) =>
                  `${escapeText(t.step.resourceId)} ${SETUP_WORD[t.state]}${t.error ? ` (${escapeText(truncate(t.error, 200))})` : ''}`,
              )
              .join(' · ')}`,
            3_000,
          ),
        },
      ],
    });
  blocks.push(
    section(
      gate.ok
        ? ':large_green_circle: Reverse replication is in place and caught up: a *planned* switch back (no data loss) can be requested. It needs the same approvals as a failover.'
        : `:red_circle: Failback is not possible yet. ${escapeText(truncate(gate.message, 1_500))}`,
    ),
  );
  const value = readiness.service;
  blocks.push({
    type: 'actions',
    block_id: BlockId.failbackActions,
    elements: [
      ...(offered.length > 0 ? [button('Run setup steps', ActionId.failbackSetup, value, 'primary')] : []),
      button('Re-check', ActionId.failbackRecheck, value),
      ...(gate.ok ? [button('Request failback', ActionId.failbackRequest, value, 'primary')] : []),
    ],
  });
  return {
    text: `Failback of ${readiness.service}: ${gate.ok ? 'ready to request' : 'not ready'}`,
    blocks,
  };
}
