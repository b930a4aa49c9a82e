import { type Plan, parsePlan } from '../../src/plan/load.js';

/** A small valid plan: payments (rpo 1m, rto 15m) approved by U0ALICE or @S0SRELEADS; auditor U0AUDITOR. */
export function testPlan(): Plan {
  return parsePlan(
    `version: 1
account: "123456789012"
slack:
  auditors: [U0AUDITOR]
services:
  payments:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0PAYMENTS
    approvers:
      users: [U0ALICE]
      usergroups: [S0SRELEADS]
    resources:
      - id: payments-dns
        kind: route53
        hostedZoneId: Z0PAYMENTSZONE
        recordName: api.payments.example.com
        primaryHealthCheckId: hc-payments-use1
    runbook:
      failover:
        - id: tell
          kind: notify
          message: failing over
  search:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 5m
    rto: 30m
    channel: C0SEARCH
    approvers:
      users: [U0BOB]
    resources:
      - id: search-dns
        kind: route53
        hostedZoneId: Z0SEARCHZONE
        recordName: search.example.com
        primaryHealthCheckId: hc-search-use1
    runbook:
      failover:
        - id: tell
          kind: notify
          message: failing over
`,
    'test-plan.yml',
  );
}
