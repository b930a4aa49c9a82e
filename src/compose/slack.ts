import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
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
