import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditMessage,
  auditRefused,
  auditUsage,
  exportDone,
  exportEmpty,
  exportFailed,
  exportFileComment,
  exportProgress,
  exportStarted,
  type RangeView,
  verifyFailed,
  verifyResult,
  verifyStarted,
} from '../../blocks/audit/messages.js';
import { archiveLine, tamperWatchLine } from '../../blocks/audit/tamper.js';
import { canReadAudit } from '../../src/audit/access.js';
import { dayOf } from '../../src/audit/chain.js';
import { type ExportFormat, writeExport } from '../../src/audit/export.js';
import { type FlagValues, parseFlags } from '../../src/audit/flags.js';
import { uploadToUser, usergroupMembers } from '../../src/audit/slack.js';
import type { TamperWatchStatus } from '../../src/audit/tamper-watch.js';
import type { ArchiveSource, AuditLog } from '../../src/audit/types.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import type { Subcommand, SubcommandContext } from './subcommand.js';

export interface AuditCommandDeps {
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Where export files are staged before upload (default: the OS temp directory). */
  readonly tmpDir?: string;
  /** Progress message every this many exported entries (default 10,000). */
  readonly progressEvery?: number;
  /** The S3 archive verify compares the table with (sealed checkpoints, hourly anchors), when configured. */
  readonly archive?: ArchiveSource;
  /** The audit tamper watch's status, shown with every verify result. */
  readonly tamperWatch?: () => TamperWatchStatus;
}

type Deps = Pick<AuditCommandDeps, 'audit' | 'getPlan' | 'logger'>;

const reply = (ctx: SubcommandContext, message: AuditMessage, replace = false) =>
  ctx.respond({ ...message, response_type: 'ephemeral', ...(replace ? { replace_original: true } : {}) });

/**
 * Server-side check that the caller may read the audit log (auditors and approvers). A refusal is
 * recorded as `auth.refused` and answered plainly. Shared by /dr audit and /dr report.
 */
export async function authoriseAuditReader(
  ctx: SubcommandContext,
  deps: Deps,
  command: string,
  what: string,
): Promise<boolean> {
  const allowed = await canReadAudit(
    deps.getPlan(),
    ctx.userId,
    usergroupMembers(ctx.client),
    (usergroup, error) =>
      deps.logger.warn({ usergroup, err: error }, 'cannot list user group members; treating as not a member'),
  );
  if (allowed) return true;
  await deps.audit.append({
    type: 'auth.refused',
    actor: ctx.userId,
    channel: ctx.channelId,
    details: { command, reason: 'not an auditor or approver in the DR plan' },
  });
  await reply(ctx, auditRefused(what));
  return false;
}

const RANGE_FLAGS = { since: 'time', until: 'time' } as const;
const EXPORT_FLAGS = { ...RANGE_FLAGS, service: 'id', format: ['csv', 'json'] } as const;

function rangeOf(
  values: FlagValues,
  now: number,
): { since?: number; until: number; service?: string } | string {
  const since = values.since as number | undefined;
  const until = (values.until as number | undefined) ?? now;
  if (since !== undefined && since >= until) return '--since must be earlier than --until';
  return {
    ...(since !== undefined ? { since } : {}),
    until,
    ...(values.service ? { service: String(values.service) } : {}),
  };
}

const view = (range: { since?: number; until: number; service?: string }): RangeView => ({
  ...(range.since !== undefined ? { since: new Date(range.since).toISOString() } : {}),
  until: new Date(range.until).toISOString(),
  ...(range.service ? { service: range.service } : {}),
});

/** `/dr audit export|verify`: anything else gets the usage message. */
export function makeAuditCommand(deps: AuditCommandDeps): Subcommand {
  const { audit, logger, clock } = deps;

  async function exportCommand(ctx: SubcommandContext, values: FlagValues): Promise<void> {
    const range = rangeOf(values, clock.now());
    if (typeof range === 'string') return void (await reply(ctx, auditUsage(range)));
    if (!(await authoriseAuditReader(ctx, deps, 'audit export', 'export the audit log'))) return;
    const format = (values.format as ExportFormat | undefined) ?? 'csv';
    const shown = view(range);
    await reply(ctx, exportStarted(shown));
    const dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'lifeboat-audit-'));
    const filename = `lifeboat-audit-${range.since === undefined ? 'start' : dayOf(range.since)}-to-${dayOf(range.until)}${range.service ? `-${range.service}` : ''}.${format === 'csv' ? 'csv' : 'jsonl'}`;
    const path = join(dir, filename);
    try {
      const summary = await writeExport(audit.query(range), {
        path,
        format,
        progressEvery: deps.progressEvery ?? 10_000,
        onProgress: (count) => reply(ctx, exportProgress(shown, count), true).then(() => undefined),
      });
      const details = {
        ...shown,
        format,
        count: summary.count,
        bytes: summary.bytes,
        sha256: summary.sha256,
      };
      if (summary.count === 0) {
        await audit.append({
          type: 'audit.exported',
          actor: ctx.userId,
          channel: ctx.channelId,
          details: { ...details, uploaded: false },
        });
        return void (await reply(ctx, exportEmpty(shown), true));
      }
      const done = { range: shown, filename, ...summary };
      const fileId = await uploadToUser(ctx.client, ctx.userId, {
        path,
        filename,
        title: filename,
        comment: exportFileComment(done),
      });
      await audit.append({
        type: 'audit.exported',
        actor: ctx.userId,
        channel: ctx.channelId,
        details: { ...details, uploaded: true, ...(fileId ? { fileId } : {}) },
      });
      await reply(ctx, exportDone(done), true);
    } catch (error) {
      logger.error({ err: error, userId: ctx.userId }, 'audit export failed');
      await reply(ctx, exportFailed(error instanceof Error ? error.message : String(error)), true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function verifyCommand(ctx: SubcommandContext, values: FlagValues): Promise<void> {
    const range = rangeOf(values, clock.now());
    if (typeof range === 'string') return void (await reply(ctx, auditUsage(range)));
    if (!(await authoriseAuditReader(ctx, deps, 'audit verify', 'verify the audit log'))) return;
    const shown = view(range);
    await reply(ctx, verifyStarted(shown));
    try {
      const report = await audit.verify({ ...range, ...(deps.archive ? { archive: deps.archive } : {}) });
      await audit.append({
        type: 'audit.verified',
        actor: ctx.userId,
        channel: ctx.channelId,
        details: {
          ...shown,
          ok: report.ok,
          days: report.days.length,
          entries: report.entries,
          problems: report.problems,
          ...(report.firstBreak ? { firstBreak: { ...report.firstBreak } } : {}),
          ...(report.archive ? { archive: { ...report.archive } } : {}),
        },
      });
      const notes = [
        archiveLine(report.archive, deps.archive !== undefined),
        ...(deps.tamperWatch ? [tamperWatchLine(deps.tamperWatch())] : []),
      ];
      await reply(ctx, verifyResult(report, shown, { notes }), true);
    } catch (error) {
      logger.error({ err: error, userId: ctx.userId }, 'audit verify failed');
      await reply(ctx, verifyFailed(error instanceof Error ? error.message : String(error)), true);
    }
  }

  return async (ctx) => {
    const [sub, ...rest] = ctx.args;
    if (sub !== 'export' && sub !== 'verify') {
      return void (await reply(
        ctx,
        auditUsage(sub === undefined || sub === 'help' ? undefined : `Unknown audit command "${sub}"`),
      ));
    }
    const parsed = parseFlags(rest, sub === 'export' ? EXPORT_FLAGS : RANGE_FLAGS, clock.now());
    if (!parsed.ok) return void (await reply(ctx, auditUsage(parsed.error)));
    await (sub === 'export' ? exportCommand(ctx, parsed.values) : verifyCommand(ctx, parsed.values));
  };
}
