import type { Service } from '@aws-sdk/client-ecs';
import type { RegionClients } from '../../adapters/aws/clients.js';
import { sdk } from '../../adapters/aws/sdk.js';
import type { Run } from '../autoscaling/groups.js';

/**
 * The service, or undefined when ECS reports it MISSING; a service that is DRAINING or INACTIVE (deleted) is
 * returned with that status (DescribeServices API reference: `failures` lists missing services).
 */
export async function describeService(
  run: Run,
  clients: RegionClients,
  where: { cluster: string; service: string },
): Promise<Service | undefined> {
  const out = await run('ecs:DescribeServices', (abortSignal) =>
    clients.ecs.send(
      new (sdk.ecs().DescribeServicesCommand)({ cluster: where.cluster, services: [where.service] }),
      {
        abortSignal,
      },
    ),
  );
  return out.services?.find((s) => s.serviceName === where.service);
}

/** Service events that say tasks cannot be placed or started (ECS service event messages). */
export const PLACEMENT_FAILURE =
  /unable to place a task|failed to launch a task|unable to consistently start tasks/;
