import { z } from 'zod';
import { duration, id } from '../../plan/schema-fields.js';

/**
 * Amazon DocumentDB global cluster: a primary cluster in the primary Region and a secondary in the recovery
 * Region. A planned move is a switchover (SwitchoverGlobalCluster, no data loss), an unplanned one a failover
 * (FailoverGlobalCluster with AllowDataLoss), as for Aurora. DocumentDB cluster ARNs use the `rds` namespace.
 */
const clusterArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]*$/,
    'expected a DocumentDB cluster ARN (arn:aws:rds:<region>:<account>:cluster:<id>)',
  );

export const docdbGlobalCluster = z.strictObject({
  id,
  description: z.string().optional(),
  kind: z.literal('docdb-global-cluster'),
  globalClusterIdentifier: z
    .string()
    .min(1)
    .max(255)
    .regex(
      /^[A-Za-z][0-9A-Za-z\-:._]*$/,
      'expected a global cluster identifier (FailoverGlobalCluster API pattern)',
    ),
  primaryClusterArn: clusterArn,
  recoveryClusterArn: clusterArn,
});

export const docdbStep = z.strictObject({
  id,
  description: z.string().optional(),
  estimate: duration.optional(),
  timeout: duration.optional(),
  kind: z.literal('docdb-global-cluster'),
  resource: id,
});

export type DocdbGlobalCluster = z.output<typeof docdbGlobalCluster>;
export type DocdbStep = z.output<typeof docdbStep>;
