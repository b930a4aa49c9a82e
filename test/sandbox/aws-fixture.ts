import { readFileSync } from 'node:fs';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { manualClock } from '../../src/domain/clock.js';
import { parsePlan } from '../../src/plan/load.js';
import { createSimulatedCloud, type SimulatedCloudOptions } from '../../src/sandbox/aws/index.js';
import { createSigningIdentity, type SigningIdentity } from '../../src/sandbox/aws/sns-signing.js';

let identity: Promise<SigningIdentity> | undefined;
/** One RSA key per test file: generating one takes a noticeable fraction of a second. */
export const sharedIdentity = () => {
  identity ??= createSigningIdentity();
  return identity;
};

export const examplePlan = () =>
  parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');

/** A simulated cloud on a manual clock (no timer) and real SDK clients attached to it. */
export async function simulatedCloud(options: Partial<SimulatedCloudOptions> = {}) {
  const clock = manualClock();
  const cloud = await createSimulatedCloud({
    plan: examplePlan(),
    clock,
    tickIntervalMs: 0,
    signingIdentity: await sharedIdentity(),
    ...options,
  });
  const aws = createAwsClients({ onClient: cloud.attach, maxAttempts: 3 });
  const close = async () => {
    aws.destroy();
    await cloud.close();
  };
  return { clock, cloud, aws, east: aws.forRegion('us-east-1'), west: aws.forRegion('us-west-2'), close };
}
