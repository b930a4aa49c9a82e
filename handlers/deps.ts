import type { SubcommandName } from '../blocks/help.js';
import type { AckResult } from '../src/alarms/pipeline.js';
import type { InFlight } from '../src/domain/inflight.js';
import type { Logger } from '../src/logger.js';
import type { Plan } from '../src/plan/load.js';
import type { ReadinessService } from '../src/readiness/service.js';
import type { DrillHandlerDeps } from './commands/drill.js';
import type { FailbackHandlerDeps } from './commands/failback.js';
import type { FailoverHandlerDeps } from './commands/failover.js';
import type { Subcommand } from './commands/subcommand.js';
import type { AppHomeSources } from './events/app-home.js';

/** What the Slack listeners receive from the composition root (ports arrive by closure, not import). */
export interface HandlerDeps {
  readonly logger: Logger;
  readonly getPlan: () => Plan;
  /** Work that continues after the ack, so shutdown can wait for it. */
  readonly inflight: InFlight;
  /** Subcommands that do slow work after the ack; absent ones answer that they are not available yet. */
  readonly subcommands: Partial<Record<SubcommandName, Subcommand>>;
  /** Measured readiness (cards, Re-check, App Home). */
  readonly readiness?: ReadinessService;
  /** Records who ran which command where, before anything is shown. */
  readonly recordCommand?: (entry: { userId: string; channelId: string; text: string }) => Promise<void>;
  /** Incident threads from alarm ingress (Acknowledge on the card). */
  readonly incidents?: { readonly acknowledge: (incidentId: string, userId: string) => Promise<AckResult> };
  /** Failover requests (modal, Approve/Decline, Retry/Skip/Abort, Dry-run) with the two-person rule. */
  readonly failover?: FailoverHandlerDeps;
  /** Drills: the card's Approve/Decline/Keep/Clean up now. */
  readonly drills?: DrillHandlerDeps;
  /** Failback readiness card: Run setup steps, Re-check, Request failback. */
  readonly failback?: FailbackHandlerDeps;
  /** App Home besides readiness: open incidents, requests awaiting the viewer's approval, last drills. */
  readonly home?: AppHomeSources;
}
