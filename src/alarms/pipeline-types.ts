import type { IncidentRecord } from '../domain/records.js';
import type { AlarmEvent } from './cloudwatch.js';
import type { ReceiptSource } from './receipts.js';
import type { Route } from './routing.js';

/** What goes into and comes out of the alarm pipeline (`pipeline.ts`). */

export interface IngestInput {
  /** SNS MessageId, a content hash (raw SQS delivery) or a probe's id. */
  readonly id: string;
  readonly source: ReceiptSource;
  readonly topicArn?: string;
  readonly subject?: string;
  /** The CloudWatch alarm JSON; ignored when `event` is given (probes). */
  readonly message: string;
  readonly event?: AlarmEvent;
  /** Skips the plan's alarm rules (probes name their service). */
  readonly route?: Route;
}

export type IngestResult = {
  readonly status: 'recorded' | 'duplicate';
  readonly id: string;
  readonly route: Route;
};

export interface OpenPointer {
  readonly service: string;
  readonly incidentId: string;
}

export interface AckResult {
  readonly status: 'acknowledged' | 'already' | 'not_found';
  readonly incident?: IncidentRecord;
}
