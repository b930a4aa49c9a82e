import type { KnownBlock, ModalView, Option } from '@slack/types';
import { type DryRunView, FAILOVER_MODES, type FailoverMode } from '../../src/approval/types.js';
import { formatDuration } from '../../src/readiness/format.js';
import type { Verdict } from '../../src/readiness/types.js';
import { escapeText, truncate } from '../escape.js';
import { ActionId, BlockId, CallbackId } from '../ids.js';
import { context, section } from '../kit.js';
import { VERDICT_EMOJI, VERDICT_LABEL } from '../readiness/format.js';
import { dryRunBlocks } from './dry-run.js';
import { MODE_SUMMARY, MODE_TITLE, modeExplanation } from './format.js';

/** Where the modal came from; travels in private_metadata (Slack returns it untouched, we still re-check). */
export interface RequestModalMetadata {
  readonly service: string;
  /** A request for several services: all of them in the order they run (`service` is the first). */
  readonly services?: readonly string[];
  /** Channel to answer in (the command's or the card's channel). */
  readonly channel: string;
}

export type ModeDryRun = DryRunView | { readonly mode: FailoverMode; readonly error: string };

export interface RequestModalModel {
  readonly service: string;
  readonly description?: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  readonly suggestedMode: FailoverMode;
  readonly readiness?: { readonly verdict: Verdict; readonly lagMs?: number; readonly rpoTargetMs: number };
  /** Set when readiness could not be measured. */
  readonly readinessError?: string;
  readonly dryRuns: readonly ModeDryRun[];
  readonly approvalsRequired: number;
  readonly requestTtlMs: number;
  readonly metadata: RequestModalMetadata;
}

export const REASON_MAX = 1_000;

const modeOption = (mode: FailoverMode): Option => ({
  text: { type: 'plain_text', text: MODE_TITLE[mode] },
  description: { type: 'plain_text', text: MODE_SUMMARY[mode] },
  value: mode,
});

const frame = (metadata: RequestModalMetadata, blocks: KnownBlock[], submit: boolean): ModalView => ({
  type: 'modal',
  callback_id: CallbackId.failoverRequest,
  title: { type: 'plain_text', text: 'Request failover' },
  close: { type: 'plain_text', text: 'Cancel' },
  ...(submit ? { submit: { type: 'plain_text', text: 'Request' } } : {}),
  private_metadata: JSON.stringify(metadata),
  blocks,
});

/** Opened at once (a trigger_id lives 3 s); replaced by the full modal when readiness and the dry-runs are in. */
export function loadingModal(metadata: RequestModalMetadata): ModalView {
  return frame(
    metadata,
    [section(`:hourglass_flowing_sand: Measuring *${escapeText(metadata.service)}* and preparing the plan…`)],
    false,
  );
}

/** The failover request modal: mode (explained with the measured lag), reason, and exactly what will be done. */
export function requestModal(model: RequestModalModel): ModalView {
  const s = escapeText(model.service);
  const needed = `${model.approvalsRequired} approval${model.approvalsRequired === 1 ? '' : 's'}`;
  const measured = model.readiness
    ? `${VERDICT_EMOJI[model.readiness.verdict]} Readiness *${VERDICT_LABEL[model.readiness.verdict]}*, replication lag ${
        model.readiness.lagMs === undefined ? 'not measured' : `≈ ${formatDuration(model.readiness.lagMs)}`
      } (RPO target ${formatDuration(model.readiness.rpoTargetMs)}).`
    : `:white_circle: Readiness could not be measured: ${escapeText(truncate(model.readinessError ?? 'unknown error', 500))}`;
  const blocks: KnownBlock[] = [
    section(
      `*Fail over ${s}* from \`${escapeText(model.primaryRegion)}\` to \`${escapeText(model.recoveryRegion)}\`.${
        model.description ? `\n_${escapeText(truncate(model.description, 300))}_` : ''
      }\nNeeds ${needed} from a different approver of ${s}; the request expires after ${formatDuration(model.requestTtlMs)}.`,
    ),
    context(measured),
    ...(model.metadata.services && model.metadata.services.length > 1
      ? [
          section(
            `*One request for ${model.metadata.services.length} services*, run in this order (each after those it recovers \`after\`): ${model.metadata.services
              .map((x) => `\`${escapeText(x)}\``)
              .join(
                ', then ',
              )}. One approval covers them all, from an approver of every one of them. Readiness and dry-runs below are of ${s}, the first; \`/dr failover ${model.metadata.services.map(escapeText).join(' ')} --dry-run\` shows each.`,
          ),
        ]
      : []),
    {
      type: 'input',
      block_id: BlockId.failoverMode,
      label: { type: 'plain_text', text: 'Mode' },
      element: {
        type: 'radio_buttons',
        action_id: ActionId.failoverMode,
        options: FAILOVER_MODES.map(modeOption),
        initial_option: modeOption(model.suggestedMode),
      },
    },
    context(modeExplanation(model.readiness?.lagMs)),
    {
      type: 'input',
      block_id: BlockId.failoverReason,
      label: { type: 'plain_text', text: 'Reason' },
      hint: { type: 'plain_text', text: 'Shown to approvers and stakeholders, and kept in the audit log.' },
      element: {
        type: 'plain_text_input',
        action_id: ActionId.failoverReason,
        multiline: true,
        max_length: REASON_MAX,
        placeholder: { type: 'plain_text', text: 'e.g. us-east-1 outage, payments API down since 09:12' },
      },
    },
  ];
  for (const dryRun of model.dryRuns) blocks.push({ type: 'divider' }, ...dryRunBlocks(dryRun));
  return frame(model.metadata, blocks, true);
}

/** Decline needs a reason. */
export function declineModal(executionId: string, service: string): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.failoverDecline,
    title: { type: 'plain_text', text: 'Decline failover' },
    close: { type: 'plain_text', text: 'Cancel' },
    submit: { type: 'plain_text', text: 'Decline' },
    private_metadata: JSON.stringify({ executionId }),
    blocks: [
      section(`Decline the failover request for *${escapeText(service)}*. Nothing will be changed.`),
      {
        type: 'input',
        block_id: BlockId.failoverDeclineReason,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: ActionId.failoverDeclineReason,
          multiline: true,
          max_length: REASON_MAX,
        },
      },
    ],
  };
}
