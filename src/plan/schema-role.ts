import { z } from 'zod';

/**
 * An IAM role in the workload's account that Lifeboat assumes for every call to a service or resource, one per
 * Region (docs/plan.md, "Other accounts"; docs/deploy.md for the trust policy). Limits from the STS AssumeRole
 * API reference: ExternalId is 2 to 1,224 characters of `[\w+=,.@:\/-]`.
 */
export const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'expected an IAM role ARN such as "arn:aws:iam::210987654321:role/lifeboat-dr"',
  );

export const accountRole = z.strictObject({
  primary: roleArn.describe('role assumed for calls to the primary Region'),
  recovery: roleArn.describe('role assumed for calls to the recovery Region (and any other Region)'),
  externalId: z
    .string()
    .min(2)
    .max(1224)
    .regex(/^[\w+=,.@:/-]+$/, 'expected 2 to 1224 characters of letters, digits and +=,.@:/-')
    .optional()
    .describe("sent as ExternalId; the role's trust policy requires it with sts:ExternalId"),
});

export type AccountRole = z.output<typeof accountRole>;

/** The 12-digit account of a role ARN (the format is checked by `roleArn`). */
export const accountOfRole = (arn: string): string => arn.split(':')[4] ?? '';

/** A resource's own role; a kind whose schema has no `role` field has none. */
export const roleOf = (resource: object): AccountRole | undefined =>
  'role' in resource ? (resource.role as AccountRole | undefined) : undefined;
