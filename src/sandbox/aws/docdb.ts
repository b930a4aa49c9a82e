import { awsError } from './errors.js';
import type { Call, Registry } from './registry.js';

/**
 * Amazon DocumentDB global clusters (FIDELITY.md, "DocumentDB global clusters"). DocumentDB's management API is
 * RDS's (same operations, shapes and error codes for global clusters: DocumentDB API reference), so the DocDB
 * client's calls are answered by the RDS model (rds.ts, rds-global.ts) for engine `docdb` resources only, and
 * its errors are rebuilt as the DocDB client's own exception classes.
 */
const OPERATIONS = [
  'DescribeGlobalClusters',
  'DescribeDBClusters',
  'SwitchoverGlobalCluster',
  'FailoverGlobalCluster',
] as const;

interface Listed {
  GlobalClusters?: { Engine?: string }[];
  DBClusters?: { Engine?: string }[];
}

export function registerDocdb(registry: Registry): void {
  for (const operation of OPERATIONS)
    registry.on<object, object>(`docdb:${operation}`, async (input, call: Call) => {
      try {
        const out = (await registry.invoke(`rds:${operation}`, input, { ...call, service: 'rds' })) as Listed;
        const docdb = <T extends { Engine?: string }>(list: T[] | undefined) =>
          list?.filter((x) => x.Engine === 'docdb');
        const global = docdb(out.GlobalClusters);
        const clusters = docdb(out.DBClusters);
        if (operation === 'DescribeGlobalClusters' && global?.length === 0)
          throw awsError('rds', 'GlobalClusterNotFoundFault', 'Global cluster not found.', 404);
        if (operation === 'DescribeDBClusters' && clusters?.length === 0 && 'DBClusterIdentifier' in input)
          throw awsError('rds', 'DBClusterNotFoundFault', 'DBCluster not found.', 404);
        return {
          ...out,
          ...(global ? { GlobalClusters: global } : {}),
          ...(clusters ? { DBClusters: clusters } : {}),
        };
      } catch (error) {
        if (!(error instanceof Error) || !('$metadata' in error)) throw error;
        const status = (error.$metadata as { httpStatusCode?: number }).httpStatusCode ?? 400;
        throw awsError('docdb', error.name, error.message, status);
      }
    });
}
