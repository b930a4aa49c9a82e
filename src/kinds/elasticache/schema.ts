import { z } from 'zod';
import { duration, id } from '../../plan/schema-fields.js';

/**
 * ElastiCache (Valkey or Redis OSS) global datastore: a primary replication group in the primary Region and a
 * secondary one in the recovery Region. A failover promotes the recovery Region's group to primary
 * (FailoverGlobalReplicationGroup); a failback promotes the primary Region's back.
 */

/** Replication group ids: 1-40 letters, digits and hyphens, starting with a letter (CreateReplicationGroup). */
const replicationGroupId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'expected a replication group id (letters, digits, hyphens; not an ARN)');

export const elasticacheGlobalDatastore = z.strictObject({
  id,
  description: z.string().optional(),
  kind: z.literal('elasticache-global-datastore'),
  globalReplicationGroupId: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9-]+$/, 'expected the global datastore id with its prefix, e.g. ldgnf-sessions')
    .describe('the global datastore id as AWS names it (its prefix, e.g. "ldgnf-", and the suffix)'),
  primaryReplicationGroupId: replicationGroupId.describe('the replication group in the primary Region'),
  recoveryReplicationGroupId: replicationGroupId.describe('the replication group in the recovery Region'),
});

export const elasticacheStep = z.strictObject({
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration.optional(),
  kind: z.literal('elasticache-global-datastore'),
  resource: id,
});

export type ElasticacheDatastore = z.output<typeof elasticacheGlobalDatastore>;
export type ElasticacheStep = z.output<typeof elasticacheStep>;

/** The replication group a step promotes (target) and the one that is primary before it (source), with Regions. */
export function datastoreSides(
  r: ElasticacheDatastore,
  service: { primaryRegion: string; recoveryRegion: string },
  toRecovery: boolean,
) {
  const primary = { group: r.primaryReplicationGroupId, region: service.primaryRegion };
  const recovery = { group: r.recoveryReplicationGroupId, region: service.recoveryRegion };
  return toRecovery ? { target: recovery, source: primary } : { target: primary, source: recovery };
}
