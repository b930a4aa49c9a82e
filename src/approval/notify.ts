import type { AwsClients } from '../adapters/aws/clients.js';
import { sdk } from '../adapters/aws/sdk.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';

export type StakeholderEvent = 'requested' | 'approved' | 'started' | 'completed' | 'failed';

export interface StakeholderNotice {
  readonly event: StakeholderEvent;
  readonly service: string;
  readonly executionId: string;
  /** One or two plain sentences. */
  readonly summary: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Tells the service's stakeholders; never throws and never blocks the failover (failures are logged). */
export type NotifyStakeholders = (notice: StakeholderNotice) => Promise<void>;

const SUBJECT: Record<StakeholderEvent, string> = {
  requested: 'Failover requested',
  approved: 'Failover approved',
  started: 'Failover started',
  completed: 'Failover completed',
  failed: 'Failover needs attention',
};

/** Region of an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>). */
export const topicRegion = (arn: string): string | undefined => arn.split(':')[3] || undefined;

/**
 * SNS Publish to each of the service's `stakeholderTopics`, with a client of the topic's own Region (SNS
 * refuses a topic of another Region). Each publish has its own timeout; all run concurrently.
 */
export function createStakeholderNotifier(deps: {
  readonly aws: AwsClients;
  readonly getPlan: () => Plan;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}): NotifyStakeholders {
  return async (notice) => {
    const topics = deps.getPlan().services[notice.service]?.stakeholderTopics ?? [];
    // SNS subjects are ASCII only, under 100 characters.
    const subject = `Lifeboat: ${SUBJECT[notice.event]} - ${notice.service}`.slice(0, 99);
    const message = JSON.stringify({ source: 'lifeboat', ...notice });
    await Promise.all(
      topics.map(async (topicArn) => {
        const region = topicRegion(topicArn);
        try {
          if (!region) throw new Error(`no Region in ${topicArn}`);
          await deps.aws
            .forRegion(region)
            .sns.send(
              new (sdk.sns().PublishCommand)({ TopicArn: topicArn, Subject: subject, Message: message }),
              {
                abortSignal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
              },
            );
        } catch (error) {
          deps.logger.warn(
            { err: error, topicArn, event: notice.event, executionId: notice.executionId },
            'stakeholder notification failed',
          );
        }
      }),
    );
  };
}
