import { HTTPReceiver } from '@slack/bolt';
import { createSnsEndpoint } from '../alarms/sns-endpoint.js';
import type { AlarmSystem } from '../alarms/system.js';
import type { AuditLog } from '../audit/types.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Installation } from '../http/installation.js';
import type { RefusalAudit } from '../http/refusals.js';
import { createHttpServer, type HttpServer } from '../http/server.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { Plan } from '../plan/load.js';
import type { SlackParts } from './slack.js';
import { type SnsTrust, snsVerifier } from './sns-trust.js';
import type { State } from './state.js';

/**
 * The HTTP server: Slack's events (HTTP receiver only), SNS's alarm notifications, health, readiness
 * and metrics. Refused requests are audited per minute by `refusals`.
 */
export function wireHttp(deps: {
  readonly config: Config;
  readonly plan: Plan;
  readonly state: State;
  readonly slack: SlackParts;
  readonly installation: Installation | undefined;
  readonly alarms: AlarmSystem;
  readonly audit: AuditLog;
  readonly refusals: RefusalAudit;
  readonly metrics: Metrics;
  readonly trust: SnsTrust;
  readonly topics: () => readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
}): HttpServer {
  const { config, plan, state, slack, alarms, audit, refusals, metrics, trust, topics, clock, logger } = deps;
  return createHttpServer({
    logger,
    metrics: (req, res) => metrics.handle(req, res),
    ...(slack.receiver instanceof HTTPReceiver
      ? {
          slack: {
            listener: slack.receiver.requestListener,
            signingSecret: config.slack.signingSecret ?? '',
            ...(deps.installation ? { installation: deps.installation } : {}),
          },
        }
      : {}),
    sns: createSnsEndpoint({
      logger,
      verify: snsVerifier(trust, clock, {
        maxAgeMs: config.alarms.snsMaxAgeMs,
        allowedTopics: topics,
        acceptSha1: config.alarms.acceptSha1,
      }),
      allowedTopics: topics,
      confirm: trust.confirm,
      // Resolves once the notification's receipt is durably written (SNS then gets its 200); a
      // message that is not a CloudWatch alarm answers 400 and is audited as alarm.rejected.
      onNotification: (message) => alarms.onNotification(message),
      // Signed by SNS and from an allowed topic: audited (before confirming) on the main chain.
      onSubscription: async (event) => {
        await audit.append({
          type: 'alarm.subscription',
          actor: 'aws',
          details: {
            action: event.type === 'SubscriptionConfirmation' ? 'confirm' : 'unsubscribed',
            topicArn: event.topicArn,
            messageId: event.messageId,
          },
        });
      },
      onRejected: (r) => {
        metrics.alarmRefused('sns-http', r.reason);
        refusals.record({
          type: 'alarm.rejected',
          reason: r.reason,
          status: r.status,
          detail: r.detail,
          topicArn: r.topicArn,
        });
      },
    }),
    readiness: [
      { name: 'plan', check: async () => void plan.hash },
      { name: 'dynamodb', check: () => state.checkTable() },
    ],
    now: () => clock.now(),
    onRejected: (r) =>
      refusals.record({
        type: 'http.rejected',
        reason: r.reason,
        status: r.status,
        path: r.path,
        remoteAddress: r.remoteAddress,
      }),
  });
}
