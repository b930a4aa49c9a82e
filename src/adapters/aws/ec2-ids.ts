import type { DescribeInstancesCommandInput } from '@aws-sdk/client-ec2';

/**
 * DescribeInstances for these instance ids without failing as a whole: with InstanceIds one unknown id fails
 * the call (InvalidInstanceID.NotFound); an instance-id filter lists the ones that exist, so the caller sees
 * which are missing.
 */
export const byInstanceIds = (ids: readonly string[]): DescribeInstancesCommandInput => ({
  Filters: [{ Name: 'instance-id', Values: [...ids] }],
});
