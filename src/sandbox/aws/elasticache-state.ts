/** The simulated ElastiCache state (model: elasticache.ts). */

export interface CacheDatastoreMember {
  readonly group: string;
  readonly region: string;
  role: 'PRIMARY' | 'SECONDARY';
  status: 'associated' | 'associating' | 'disassociating';
}
export interface CacheDatastore {
  readonly id: string;
  status: 'available' | 'modifying' | 'primary-only';
  readonly engine: 'valkey' | 'redis';
  engineVersion: string;
  readonly nodeType: string;
  members: CacheDatastoreMember[];
}
export interface CacheReplicationGroup {
  readonly id: string;
  readonly region: string;
  status: 'available' | 'modifying';
  /** Cache cluster ids of its nodes, the first the primary node (cluster mode disabled, one shard). */
  readonly nodes: string[];
  globalId?: string;
}
export interface ElasticacheState {
  datastores: Map<string, CacheDatastore>;
  /** By `rkey(region, id)`. */
  groups: Map<string, CacheReplicationGroup>;
}

export const createElasticacheState = (): ElasticacheState => ({ datastores: new Map(), groups: new Map() });
