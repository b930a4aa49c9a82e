import { createHash } from 'node:crypto';
import type { RunInstancesCommandOutput } from '@aws-sdk/client-ec2';
import { AwsCallError } from '../../readiness/aws/call.js';

/**
 * Same execution, step and subnet, same token: RunInstances retried with it launches nothing new. Without a
 * subnet (a launch template names where) the token is the execution's and step's alone.
 */
export function clientToken(executionId: string, stepId: string, subnetId?: string): string {
  const key = subnetId ? `${executionId}/${stepId}/${subnetId}` : `${executionId}/${stepId}`;
  return `lifeboat-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/**
 * EC2 has no On-Demand capacity for the request in that Availability Zone: nothing was launched, and AWS's
 * advice is to try another AZ, later, or another type (EC2 user guide, Troubleshoot instance launch issues:
 * Insufficient instance capacity).
 */
const refusedForCapacity = (error: unknown): error is AwsCallError =>
  error instanceof AwsCallError && error.awsName === 'InsufficientInstanceCapacity';

/** The AZ AWS names in its InsufficientInstanceCapacity message ("… in the Availability Zone you requested (us-west-2a)"). */
function zoneIn(message: string): string | undefined {
  return /\(([a-z]{2}(?:-[a-z]+)+-\d[a-z])\)/.exec(message)?.[1];
}

export interface Refusal {
  readonly subnetId: string;
  /** The AZ from AWS's message, when it names one. */
  readonly zone?: string;
  readonly message: string;
}

const where = (r: Refusal) => (r.zone ? `${r.subnetId} (${r.zone})` : r.subnetId);

/** `subnet-a (us-west-2a), subnet-b (us-west-2b)`: the refused subnets and their AZs, for facts and messages. */
export const refusedList = (refusals: readonly Refusal[]) => refusals.map(where).join(', ');

/**
 * One RunInstances intent per subnet, in the plan's preference order: on InsufficientInstanceCapacity the next
 * subnet (another AZ) is tried with its own ClientToken; any other error stops at once. When every subnet
 * refused, one error (InsufficientInstanceCapacity) lists each subnet, its AZ and AWS's message, so the step
 * fails and the runbook pauses with them. `launch(undefined)` is the single launch of a launch template.
 */
export async function launchInTurn(
  subnets: readonly string[],
  launch: (subnetId: string | undefined) => Promise<RunInstancesCommandOutput>,
): Promise<{ out: RunInstancesCommandOutput; subnetId?: string; refusals: Refusal[] }> {
  if (subnets.length === 0) return { out: await launch(undefined), refusals: [] };
  const refusals: Refusal[] = [];
  let last: AwsCallError | undefined;
  for (const subnetId of subnets) {
    try {
      return { out: await launch(subnetId), subnetId, refusals };
    } catch (error) {
      if (!refusedForCapacity(error)) throw error;
      last = error;
      const message = error.message.replace(/^ec2:RunInstances: InsufficientInstanceCapacity: /, '');
      const zone = zoneIn(message);
      refusals.push({ subnetId, ...(zone ? { zone } : {}), message });
    }
  }
  throw new AwsCallError(last?.action ?? 'ec2:RunInstances', {
    name: 'InsufficientInstanceCapacity',
    message: `no capacity in any of the plan's ${refusals.length} subnet(s): ${refusals.map((r) => `${where(r)}: ${r.message}`).join(' | ')}. Retry later, or add subnets in other AZs (subnets) or change instanceType in the DR plan`,
  });
}
