import { createHash } from 'node:crypto';
import type { AuditEventInput, AuditLog, JsonObject } from '../audit/types.js';
import type { Logger } from '../logger.js';

/**
 * Audits received notifications without holding up ingress: one entry per notification while the
 * log keeps up (with the raw message), and one entry per batch (ids, alarms, states) when a storm
 * outruns it. The durable record of each notification is its receipt; the audit log is the trail.
 */
export interface AlarmAudit {
  received(details: ReceivedDetails): void;
  /** Anything else (rejections, acknowledgements), appended in order with the rest. */
  event(event: AuditEventInput): void;
  idle(): Promise<void>;
}

export interface ReceivedDetails {
  readonly messageId: string;
  readonly source: string;
  readonly topicArn: string | null;
  readonly alarm: string;
  readonly state: string;
  readonly service: string | null;
  readonly subject: string | null;
  readonly message: string;
  readonly unrouted?: boolean;
  readonly dropped?: boolean;
}

const MAX_BATCH = 500;
/**
 * A batch entry's notifications take at most this many bytes (as JSON): far under DynamoDB's 400 KB item
 * limit (500 notifications with long alarm names made one entry of ~190 KB). The bytes a second are bounded
 * by the audit log's budget per chain (src/audit/budget.ts, 400 write units): single entries with their raw
 * message reached 515 units in a second during the regional storm; now, when the budget is spent, appends
 * wait and the notifications queue into batch entries (docs/alarms.md, Benchmark).
 */
const MAX_BATCH_BYTES = 60 * 1024;
const BATCH_PAUSE_MS = 250;
/**
 * A single entry keeps at most this much of the raw message (SNS allows 256 KB, over the 200 KB item
 * margin); a longer one is kept truncated with its size and SHA-256, so the trail still commits to it.
 */
const MAX_MESSAGE_BYTES = 64 * 1024;

const boundedMessage = (message: string): JsonObject => {
  const bytes = Buffer.byteLength(message, 'utf8');
  if (bytes <= MAX_MESSAGE_BYTES) return { message };
  return {
    message: Buffer.from(message, 'utf8').subarray(0, MAX_MESSAGE_BYTES).toString('utf8'),
    messageTruncated: true,
    messageBytes: bytes,
    messageSha256: createHash('sha256').update(message, 'utf8').digest('hex'),
  };
};

const summary = (d: ReceivedDetails) => ({
  messageId: d.messageId,
  source: d.source,
  alarm: d.alarm,
  state: d.state,
  service: d.service,
  ...(d.unrouted ? { unrouted: true } : {}),
});

export function createAlarmAudit(audit: AuditLog, logger: Logger): AlarmAudit {
  const buffer: (
    | { kind: 'received'; details: ReceivedDetails }
    | { kind: 'event'; event: AuditEventInput }
  )[] = [];
  let running: Promise<void> | undefined;

  const append = (event: AuditEventInput) =>
    audit.append(event).then(
      () => undefined,
      (error: unknown) => logger.error({ err: error, event: event.type }, 'audit append failed'),
    );

  const drain = async () => {
    while (buffer.length > 0) {
      const next = buffer[0];
      if (next?.kind === 'event') {
        buffer.shift();
        await append(next.event);
        continue;
      }
      let bytes = 0;
      const end = buffer.findIndex((b, i) => {
        if (b.kind !== 'received' || i >= MAX_BATCH) return true;
        bytes += Buffer.byteLength(JSON.stringify(summary(b.details)), 'utf8') + 1;
        return i > 0 && bytes > MAX_BATCH_BYTES;
      });
      const batch = buffer.splice(0, end === -1 ? buffer.length : end) as { details: ReceivedDetails }[];
      if (batch.length === 1 && batch[0]) {
        const d = batch[0].details;
        await append({
          type: 'alarm.received',
          actor: 'aws',
          ...(d.service ? { service: d.service } : {}),
          details: { ...d, ...boundedMessage(d.message) } as JsonObject,
        });
      } else {
        // Under a storm, let the next batch grow instead of keeping the (shared, serialised) audit
        // log busy: other appends, such as a command's before its answer, then rarely wait.
        await new Promise((resolve) => setTimeout(resolve, BATCH_PAUSE_MS));
        await append({
          type: 'alarm.received',
          actor: 'aws',
          details: {
            batch: true,
            count: batch.length,
            notifications: batch.map(({ details: d }) => summary(d)),
          },
        });
      }
    }
  };
  const kick = () => {
    running ??= drain().finally(() => {
      running = undefined;
      if (buffer.length > 0) kick();
    });
  };
  return {
    received(details) {
      buffer.push({ kind: 'received', details });
      kick();
    },
    event(event) {
      buffer.push({ kind: 'event', event });
      kick();
    },
    async idle() {
      while (running) await running;
    },
  };
}
