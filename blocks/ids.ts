/** Every Slack action_id and block_id Lifeboat uses, imported by handlers, blocks and tests. */
export const ActionId = {
  /** Re-run the readiness checks of the service in the button's value, skipping the cache. */
  readinessRecheck: 'readiness_recheck',
  /** Start a dry-run of the service's failover runbook (arrives with the runbook issue). */
  readinessDryRun: 'readiness_dry_run',
  /** Request a failover of the service (arrives with the runbook issue). */
  readinessRequestFailover: 'readiness_request_failover',
} as const;
export type ActionId = (typeof ActionId)[keyof typeof ActionId];

export const BlockId = {
  readinessHeader: 'readiness_header',
  readinessSummary: 'readiness_summary',
  readinessActions: 'readiness_actions',
} as const;
export type BlockId = (typeof BlockId)[keyof typeof BlockId];
