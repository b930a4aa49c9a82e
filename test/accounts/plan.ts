export const HOME = '123456789012';
export const WORKLOAD = '210987654321';
export const RECOVERY_ROLE = `arn:aws:iam::${WORKLOAD}:role/lifeboat-dr-usw2`;

/** One service in a second account, reached through a role per Region with an external id. */
export const planText = `version: 1
account: "${HOME}"
services:
  ledger:
    account: "${WORKLOAD}"
    role:
      primary: arn:aws:iam::${WORKLOAD}:role/lifeboat-dr-use1
      recovery: ${RECOVERY_ROLE}
      externalId: lifeboat-ledger-7f3a
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 5m
    rto: 30m
    channel: C0LEDGER01
    approvers:
      users: [U0ALICE, U0BOB]
    resources:
      - id: ledger-db
        kind: rds-instance
        primaryInstance: ledger-db
        replicaInstance: ledger-db-usw2
    runbook:
      failover:
        - id: promote
          kind: rds-promote-replica
          resource: ledger-db
`;
