/** Every Slack action_id and block_id Lifeboat uses, imported by handlers, blocks and tests. */
export const ActionId = {
  /** Re-run the readiness checks of the service in the button's value, skipping the cache. */
  readinessRecheck: 'readiness_recheck',
  /** Start a dry-run of the service's failover runbook (arrives with the runbook issue). */
  readinessDryRun: 'readiness_dry_run',
  /** Request a failover of the service (arrives with the runbook issue). */
  readinessRequestFailover: 'readiness_request_failover',
  /** Failover request card: approve (value `<executionId>|<digest>`) and decline (value `<executionId>`). */
  failoverApprove: 'failover_approve',
  failoverDecline: 'failover_decline',
  /** Progress card, paused on a failed step (value `<executionId>`). */
  failoverRetry: 'failover_retry',
  failoverSkip: 'failover_skip',
  failoverAbort: 'failover_abort',
  /** Inputs of the failover request and decline modals. */
  failoverMode: 'failover_mode',
  failoverReason: 'failover_reason',
  failoverDeclineReason: 'failover_decline_reason',
  /** Incident card (alarm ingress): acknowledge the incident in the button's value. */
  incidentAcknowledge: 'incident_acknowledge',
  /** Drill card (value `<drillId>`): approve/decline the request, keep resources longer, clean up now. */
  drillApprove: 'drill_approve',
  drillDecline: 'drill_decline',
  drillKeep: 'drill_keep',
  drillCleanup: 'drill_cleanup',
  /** Failback readiness card (value `<service>`): run the offered setup steps, re-check, request the failback. */
  failbackSetup: 'failback_setup',
  failbackRecheck: 'failback_recheck',
  failbackRequest: 'failback_request',
  /** A completed failover's progress card (value `<service>`): show the failback check of the service. */
  failbackOpen: 'failback_open',
  /** Input of the failback request modal. */
  failbackReason: 'failback_reason',
} as const;
export type ActionId = (typeof ActionId)[keyof typeof ActionId];

export const BlockId = {
  readinessHeader: 'readiness_header',
  readinessSummary: 'readiness_summary',
  readinessActions: 'readiness_actions',
  readinessDrill: 'readiness_drill',
  readinessOperating: 'readiness_operating',
  failoverCard: 'failover_card',
  failoverActions: 'failover_actions',
  failoverMode: 'failover_mode',
  failoverReason: 'failover_reason',
  failoverDeclineReason: 'failover_decline_reason',
  incidentHeader: 'incident_header',
  incidentSummary: 'incident_summary',
  incidentAlarms: 'incident_alarms',
  incidentCounters: 'incident_counters',
  incidentActions: 'incident_actions',
  drillCard: 'drill_card',
  drillResult: 'drill_result',
  drillActions: 'drill_actions',
  failbackCard: 'failback_card',
  failbackActions: 'failback_actions',
  failbackReason: 'failback_reason',
} as const;
export type BlockId = (typeof BlockId)[keyof typeof BlockId];

/** Modal callback_ids. */
export const CallbackId = {
  failoverRequest: 'failover_request',
  failoverDecline: 'failover_decline',
  failbackRequest: 'failback_request',
} as const;
export type CallbackId = (typeof CallbackId)[keyof typeof CallbackId];
