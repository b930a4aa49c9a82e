import { z } from 'zod';

/** The field types of the DR plan schema: durations, AWS and Slack identifiers, intervals, time zones. */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export const duration = z
  .string({
    error: (iss) =>
      iss.input === undefined
        ? 'missing required field (expected a duration such as "90s", "15m", "24h" or "90d")'
        : 'expected a duration such as "90s", "15m", "24h" or "90d"',
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "90s", "15m", "24h" or "90d", got "${text}"`,
      });
      return z.NEVER;
    }
    return ms;
  });

export const region = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS Region code such as "us-east-1"');
export const account = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account ID');
export const slackUser = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user ID such as "U024BE7LH"');
export const slackUsergroup = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, 'expected a Slack user group ID such as "S0614TZR7"');
export const slackChannel = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel ID such as "C0123456789"');
export const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lowercase id of letters, digits and dashes');
export const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'expected an SNS topic ARN');

/** A probe interval must divide a minute, an hour or a day so it maps onto a cron schedule. */
export function isCronInterval(ms: number): boolean {
  if (ms >= 1_000 && ms < 60_000) return ms % 1_000 === 0 && 60_000 % ms === 0;
  if (ms >= 60_000 && ms < 3_600_000) return ms % 60_000 === 0 && 3_600_000 % ms === 0;
  if (ms >= 3_600_000 && ms <= 86_400_000) return ms % 3_600_000 === 0 && 86_400_000 % ms === 0;
  return false;
}

export const cronInterval = duration.refine(isCronInterval, {
  message: 'expected an interval that divides a minute, an hour or a day, e.g. "30s", "1m", "5m" or "1h"',
});

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
