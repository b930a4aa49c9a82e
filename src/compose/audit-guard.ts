import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditMessage } from '../../blocks/audit/messages.js';
import { tamperAlertMessage, tamperAlertNotification } from '../../blocks/audit/tamper.js';
import { sdk } from '../adapters/aws/sdk.js';
import { s3ArchiveSource } from '../audit/archive-source.js';
import {
  createTamperWatch,
  type TamperEvent,
  type TamperWatch,
  tamperWatchOff,
} from '../audit/tamper-watch.js';
import type { ArchiveSource, AuditLog } from '../audit/types.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/load.js';
import type { Lifecycle } from './lifecycle.js';

/** Events listed in the audit entry of one alert; the rest are counted. */
const RECORDED = 20;

export interface AuditGuardDeps {
  readonly config: Pick<Config, 'auditArchive' | 'opsTopicArn'>;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** From State: where the table's stream is read, or undefined (embedded dynalite). */
  readonly stream: { readonly endpoint?: string; readonly region: string } | undefined;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly getPlan: () => Plan;
  /** Posts to a channel through the shared outbound queue. */
  readonly post: (channel: string, message: AuditMessage) => Promise<unknown>;
  /** The SNS client of the topic's Region. */
  readonly sns: (region: string) => SNSClient;
  /** The S3 client of the archive (the bot's Region). */
  readonly s3: () => S3Client;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly lifecycle: Lifecycle;
}

export interface AuditGuard {
  readonly watch: TamperWatch;
  /** What `/dr audit verify` compares the table with, when an archive bucket is configured. */
  readonly archive: ArchiveSource | undefined;
}

/**
 * The audit log's protection outside its hash chains: the S3 archive verify compares with, and the
 * real-time tamper watch on the table's stream, whose alerts go to the audit log itself, the
 * operators' channel (`slack.unroutedChannel`, else `slack.digestChannel`) and the operators' topic.
 */
export function wireAuditGuard(deps: AuditGuardDeps): AuditGuard {
  const { logger, lifecycle } = deps;
  const archive = deps.config.auditArchive
    ? s3ArchiveSource({ s3: deps.s3(), bucket: deps.config.auditArchive.bucket })
    : undefined;

  async function publish(topic: string, events: readonly TamperEvent[]): Promise<void> {
    const { subject, message } = tamperAlertNotification(events);
    await deps
      .sns(topic.split(':')[3] ?? '')
      .send(new (sdk.sns().PublishCommand)({ TopicArn: topic, Subject: subject, Message: message }));
  }

  async function alert(events: readonly TamperEvent[]): Promise<void> {
    logger.error(
      { count: events.length, first: events[0] },
      'SECURITY: audit items were modified or deleted',
    );
    const plan = deps.getPlan();
    const channel = plan.slack.unroutedChannel ?? plan.slack.digestChannel;
    const topic = deps.config.opsTopicArn;
    const outcomes = await Promise.allSettled([
      deps.audit.append({
        type: 'audit.tampered',
        actor: 'lifeboat',
        details: {
          count: events.length,
          modified: events.filter((e) => e.event === 'MODIFY').length,
          removed: events.filter((e) => e.event === 'REMOVE').length,
          events: events.slice(0, RECORDED).map((e) => ({ ...e })),
        },
      }),
      channel ? deps.post(channel, tamperAlertMessage(events)) : Promise.resolve(),
      topic ? publish(topic, events) : Promise.resolve(),
    ]);
    const names = ['audit entry', 'Slack alert', 'ops topic alert'];
    outcomes.forEach((o, i) => {
      if (o.status === 'rejected') logger.error({ err: o.reason }, `audit tamper ${names[i]} failed`);
    });
    if (!channel && !topic)
      logger.error('audit tamper alert: no slack.unroutedChannel/digestChannel and no OPS_TOPIC_ARN');
  }

  let watch: TamperWatch;
  if (!deps.stream) {
    watch = tamperWatchOff('embedded dynalite has no DynamoDB stream');
  } else {
    const streams = new (sdk.dynamodbStreams().DynamoDBStreamsClient)({
      region: deps.stream.region,
      // An explicit endpoint is a local DynamoDB: static credentials, as the stores' client uses (store/client.ts).
      ...(deps.stream.endpoint
        ? {
            endpoint: deps.stream.endpoint,
            credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
          }
        : {}),
    });
    watch = createTamperWatch({
      documents: deps.documents,
      streams,
      tableName: deps.tableName,
      onTamper: alert,
      logger,
      now: () => deps.clock.now(),
    });
    lifecycle.onClose(() => streams.destroy());
    lifecycle.background('audit tamper watch start', watch.start());
  }
  lifecycle.onClose(() => watch.stop());
  return { watch, archive };
}
