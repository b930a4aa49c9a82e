import type { KnownBlock, ModalView } from '@slack/types';
import type { DryRunView } from '../../src/approval/types.js';
import { formatDuration } from '../../src/readiness/format.js';
import { escapeText, truncate } from '../escape.js';
import { fitSection, plannedStepLines } from '../failover/format.js';
import { REASON_MAX } from '../failover/modal.js';
import { ActionId, BlockId, CallbackId } from '../ids.js';
import { context, section } from '../kit.js';

/** Travels in private_metadata (Slack returns it untouched; the submission still re-checks everything). */
export interface FailbackModalMetadata {
  readonly service: string;
  readonly channel: string;
}

export interface FailbackModalModel {
  readonly service: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
  /** The failback runbook's dry-run, or why it cannot be planned now. */
  readonly dryRun: DryRunView | { readonly error: string };
  readonly approvalsRequired: number;
  /** ec2 resources whose recovery-Region compute, brought up by the failover, this failback leaves running. */
  readonly computeLeftRunning: readonly string[];
  readonly requestTtlMs: number;
  readonly metadata: FailbackModalMetadata;
}

const frame = (metadata: FailbackModalMetadata, blocks: KnownBlock[], submit: boolean): ModalView => ({
  type: 'modal',
  callback_id: CallbackId.failbackRequest,
  title: { type: 'plain_text', text: 'Request failback' },
  close: { type: 'plain_text', text: 'Cancel' },
  ...(submit ? { submit: { type: 'plain_text', text: 'Request' } } : {}),
  private_metadata: JSON.stringify(metadata),
  blocks,
});

/** Opened at once (a trigger_id lives 3 s); replaced once the failback is planned. */
export function failbackLoadingModal(metadata: FailbackModalMetadata): ModalView {
  return frame(
    metadata,
    [section(`:hourglass_flowing_sand: Planning the failback of *${escapeText(metadata.service)}*…`)],
    false,
  );
}

/**
 * The failback request modal: planned only (no data loss), the reason, exactly what the failback runbook
 * will do now, irreversible steps flagged (an RDS failback promotes the replica back in the primary Region),
 * and the recovery-Region compute it leaves running.
 */
export function failbackModal(model: FailbackModalModel): ModalView {
  const s = escapeText(model.service);
  const needed = `${model.approvalsRequired} approval${model.approvalsRequired === 1 ? '' : 's'}`;
  const blocks: KnownBlock[] = [
    section(
      `*Fail back ${s}* from \`${escapeText(model.recoveryRegion)}\` to \`${escapeText(model.primaryRegion)}\`.\nA *planned* switch back: it waits until the primary Region has every write (RPO 0). Needs ${needed} from a different approver of ${s}, who re-run the failback check before their approval counts; the request expires after ${formatDuration(model.requestTtlMs)}.`,
    ),
    {
      type: 'input',
      block_id: BlockId.failbackReason,
      label: { type: 'plain_text', text: 'Reason' },
      hint: { type: 'plain_text', text: 'Shown to approvers and stakeholders, and kept in the audit log.' },
      element: {
        type: 'plain_text_input',
        action_id: ActionId.failbackReason,
        multiline: true,
        max_length: REASON_MAX,
        placeholder: { type: 'plain_text', text: 'e.g. us-east-1 recovered; replication back has caught up' },
      },
    },
    { type: 'divider' },
  ];
  const plan = model.dryRun;
  if ('steps' in plan && plan.error === undefined) {
    const estimate = plan.estimateMs === undefined ? '' : ` — about ${formatDuration(plan.estimateMs)}`;
    blocks.push(
      section(fitSection([`*What the failback would do*${estimate}`, ...plannedStepLines(plan.steps)])),
    );
    if (plan.steps.some((step) => step.irreversible))
      blocks.push(
        context(
          ':warning: Steps marked *irreversible* cannot be undone: a promoted replica stops replicating and is a standalone primary from then on.',
        ),
      );
    if (plan.warnings.length > 0)
      blocks.push(
        context(
          fitSection(plan.warnings.slice(0, 10).map((w) => `:warning: ${escapeText(truncate(w, 300))}`)),
        ),
      );
  } else
    blocks.push(
      section(
        `*What the failback would do*\n:x: Cannot be planned now: ${escapeText(truncate(plan.error ?? 'unknown error', 1_000))}`,
      ),
    );
  if (model.computeLeftRunning.length > 0) {
    const resources = model.computeLeftRunning.map((r) => `\`${escapeText(r)}\``).join(', ');
    blocks.push(
      context(
        `:information_source: Compute the failover brought up in \`${escapeText(model.recoveryRegion)}\` for ${resources} keeps running after this failback: stop it by hand once traffic has drained, or add an ec2 \`stop-recovery\` step to \`runbook.failback\` (docs/failback.md).`,
      ),
    );
  }
  return frame(model.metadata, blocks, true);
}
