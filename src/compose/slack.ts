import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Installation } from '../http/installation.js';
import { type Logger, toBoltLogger } from '../logger.js';

export interface SlackParts {
  readonly app: App;
  readonly receiver: HTTPReceiver | SocketModeReceiver;
  /**
   * The client behind the outbound queue: the queue paces itself and handles 429s, so this client
   * rejects rate-limited calls instead of waiting inside the WebClient.
   */
  readonly outbound: WebClient;
}

/** The Bolt app (HTTP receiver, or Socket Mode with SLACK_APP_TOKEN) and the outbound Web API client. */
export function createSlackParts(config: Config, logger: Logger): SlackParts {
  const boltLogger = toBoltLogger(logger);
  const apiUrl = config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {};
  const receiver = config.slack.appToken
    ? new SocketModeReceiver({ appToken: config.slack.appToken, logger: boltLogger })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        endpoints: '/slack/events',
        logger: boltLogger,
        processBeforeResponse: false,
      });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: boltLogger,
    // app.init() in the composition root: a bad token fails at start-up, not on the first event.
    deferInitialization: true,
    clientOptions: { ...apiUrl, rejectRateLimitedCalls: false },
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const outbound = new WebClient(config.slack.botToken, {
    ...apiUrl,
    logger: boltLogger,
    rejectRateLimitedCalls: true,
    // The WebClient's fiveRetriesInFiveMinutes (not a named ESM export of the CommonJS package).
    retryConfig: { retries: 5, factor: 3.86 },
  });
  return { app, receiver, outbound };
}

/**
 * The installation every Slack payload must come from: the configured ids (SLACK_TEAM_ID,
 * SLACK_APP_ID, SLACK_ENTERPRISE_ID), the rest from auth.test for the bot token (its team_id,
 * enterprise_id and, when Slack includes it, app_id). An app id known from neither is not checked.
 */
export async function resolveInstallation(
  configured: Config['slack']['installation'],
  client: Pick<WebClient, 'auth'>,
  logger: Logger,
): Promise<Installation> {
  let learnt: { team_id?: string; enterprise_id?: string; app_id?: string } = {};
  if (!configured.teamId || !configured.appId) learnt = await client.auth.test();
  const installation = {
    teamId: configured.teamId ?? learnt.team_id,
    appId: configured.appId ?? learnt.app_id,
    enterpriseId: configured.enterpriseId ?? (learnt.enterprise_id || undefined),
  };
  if (!installation.appId)
    logger.warn('SLACK_APP_ID is not set and auth.test did not name the app: api_app_id is not checked');
  return installation;
}
