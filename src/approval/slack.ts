import { createDecisionActions } from './slack-decisions.js';
import { createProgressActions } from './slack-progress.js';
import { createRequestActions } from './slack-requests.js';
import { createSlackKit, type FailoverSlackDeps } from './slack-shared.js';
import { createStepDecisions } from './slack-step-decisions.js';

export type { FailoverSlackDeps } from './slack-shared.js';

/**
 * The Slack side of failover requests: posting and editing the card, answering people, DMs to the
 * requester, stakeholder notices, and starting the runbook once approved. Every answer is a Message
 * for the person who acted (handlers send it ephemerally).
 */
export function createFailoverSlack(deps: FailoverSlackDeps) {
  const kit = createSlackKit(deps);
  return {
    ...createRequestActions(deps, kit),
    ...createDecisionActions(deps, kit),
    ...createProgressActions(deps, kit),
    ...createStepDecisions(deps),
  };
}

export type FailoverSlack = ReturnType<typeof createFailoverSlack>;
