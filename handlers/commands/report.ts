import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KnownBlock } from '@slack/types';
import type { AuditMessage } from '../../blocks/audit/messages.js';
import { reportBuildingMessage, reportMessage } from '../../blocks/audit/report.js';
import { escapeText } from '../../blocks/escape.js';
import { dayOf } from '../../src/audit/chain.js';
import { parseFlags } from '../../src/audit/flags.js';
import { createReportAccumulator } from '../../src/audit/report/compute.js';
import { reportMarkdown } from '../../src/audit/report/markdown.js';
import { uploadToUser } from '../../src/audit/slack.js';
import type { AuditEntry, AuditLog } from '../../src/audit/types.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Logger } from '../../src/logger.js';
import type { Plan } from '../../src/plan/load.js';
import { checkArchive, listRecoveryReports } from '../../src/report/listing.js';
import { recoveryListingMarkdown } from '../../src/report/markdown.js';
import type { ReportStore } from '../../src/report/store.js';
import { authoriseAuditReader } from './audit.js';
import type { Subcommand, SubcommandContext } from './subcommand.js';

export interface ReportCommandDeps {
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The recovery reports' archive: each listed report's body is hashed again against its audit entry. */
  readonly recoveryReports?: Pick<ReportStore, 'get'>;
  /** Where the Markdown file is staged before upload (default: the OS temp directory). */
  readonly tmpDir?: string;
}

const USAGE = '/dr report [--period 30d] [--service name]';
const DEFAULT_PERIOD_MS = 30 * 86_400_000;

const plain = (text: string): AuditMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeText(text) } } satisfies KnownBlock],
});

/** `/dr report`: a per-service compliance report computed from the audit log, plus a Markdown file. */
export function makeReportCommand(deps: ReportCommandDeps): Subcommand {
  const reply = (ctx: SubcommandContext, message: AuditMessage, replace = false) =>
    ctx.respond({ ...message, response_type: 'ephemeral', ...(replace ? { replace_original: true } : {}) });

  return async (ctx) => {
    const now = deps.clock.now();
    const parsed = parseFlags(ctx.args, { period: 'duration', service: 'id' }, now);
    if (!parsed.ok) return void (await reply(ctx, plain(`${parsed.error}. Usage: ${USAGE}`)));
    if (!(await authoriseAuditReader(ctx, deps, 'report', 'see the compliance report'))) return;
    const period = (parsed.values.period as number | undefined) ?? DEFAULT_PERIOD_MS;
    const service = parsed.values.service as string | undefined;
    const range = { from: now - period, to: now, ...(service ? { service } : {}) };
    await reply(ctx, reportBuildingMessage(range.from, now));
    let dir: string | undefined;
    try {
      const accumulator = createReportAccumulator(deps.getPlan(), range);
      const recoveryEntries: AuditEntry[] = [];
      for await (const entry of deps.audit.query({
        since: range.from,
        until: range.to,
        ...(service ? { service } : {}),
      })) {
        accumulator.add(entry);
        if (entry.type === 'report.recovery') recoveryEntries.push(entry);
      }
      const report = accumulator.finish();
      const listed = listRecoveryReports(recoveryEntries);
      const recoveries = deps.recoveryReports ? await checkArchive(listed, deps.recoveryReports) : listed;
      await deps.audit.append({
        type: 'report.generated',
        actor: ctx.userId,
        channel: ctx.channelId,
        details: {
          from: report.from,
          to: report.to,
          entries: report.entries,
          services: report.services.map((s) => s.service),
        },
      });
      dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'lifeboat-report-'));
      const filename = `lifeboat-compliance-${dayOf(range.from)}-to-${dayOf(now)}.md`;
      const path = join(dir, filename);
      await writeFile(path, `${reportMarkdown(report)}\n${recoveryListingMarkdown(recoveries)}`, 'utf8');
      let fileNote = `full report ${filename} sent to you in a direct message`;
      try {
        await uploadToUser(ctx.client, ctx.userId, {
          path,
          filename,
          title: filename,
          comment: 'Lifeboat compliance report',
        });
      } catch (error) {
        deps.logger.warn({ err: error }, 'compliance report upload failed');
        fileNote = `the Markdown file could not be uploaded (${error instanceof Error ? error.message : String(error)})`;
      }
      await reply(ctx, reportMessage(report, fileNote, recoveries), true);
    } catch (error) {
      deps.logger.error({ err: error, userId: ctx.userId }, 'compliance report failed');
      await reply(
        ctx,
        plain(`The compliance report failed: ${error instanceof Error ? error.message : String(error)}.`),
        true,
      );
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  };
}
