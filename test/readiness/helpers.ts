import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, expect } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/adapters/aws/clients.js';
import { type Plan, parsePlan } from '../../src/plan/load.js';
import type { CheckContext, NamedService } from '../../src/readiness/types.js';

export const NOW = Date.UTC(2026, 10, 21, 9, 0, 0);

/** A plan with one service per resource kind, all us-east-1 → us-west-2. */
export const PLAN_YAML = `
version: 1
account: "123456789012"
defaults: { backupInterval: 24h, stepEstimate: 2m }
services:
  payments:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 1m
    rto: 15m
    channel: C0PAYMENTS
    approvers: { users: [U0ALICE] }
    resources:
      - id: payments-db
        kind: aurora-global-cluster
        globalClusterIdentifier: payments-global
        primaryClusterArn: arn:aws:rds:us-east-1:123456789012:cluster:payments-use1
        recoveryClusterArn: arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2
      - id: payments-api
        kind: ec2
        launchTemplate: { id: lt-0abc }
        standbyInstances: [i-0abc1]
        copyTag: { key: lifeboat:service, value: payments }
      - id: payments-receipts
        kind: s3-bucket
        sourceBucket: payments-receipts-use1
        destinationBucket: payments-receipts-usw2
        replicationRuleId: to-usw2
      - id: payments-ledger
        kind: dynamodb-global-table
        tableName: payments-ledger
      - id: payments-dns
        kind: route53
        hostedZoneId: Z0PAYMENTSZONE
        recordName: api.payments.example.com
        primaryHealthCheckId: hc-use1
        recoveryHealthCheckId: hc-usw2
    runbook:
      failover:
        - { id: promote-db, kind: aurora-global, resource: payments-db, estimate: 5m }
        - parallel:
            - { id: start-api, kind: ec2, resource: payments-api, estimate: 4m }
            - { id: check-ledger, kind: dynamodb-global-table, resource: payments-ledger }
        - { id: flip-dns, kind: route53, resource: payments-dns, estimate: 2m }
  accounts:
    primaryRegion: us-east-1
    recoveryRegion: us-west-2
    rpo: 5m
    rto: 30m
    channel: C0ACCOUNTS
    approvers: { users: [U0ALICE] }
    backupInterval: 12h
    resources:
      - id: accounts-db
        kind: rds-instance
        primaryInstance: accounts-db
        replicaInstance: accounts-db-usw2
    runbook:
      failover:
        - { id: promote-replica, kind: rds-promote-replica, resource: accounts-db, estimate: 10m }
`;

export function testPlan(yaml = PLAN_YAML): Plan {
  return parsePlan(yaml, 'test-plan.yml');
}

export function namedService(plan: Plan, name: string): NamedService {
  const service = plan.services[name];
  if (!service) throw new Error(`no service ${name}`);
  return { ...service, name };
}

export function resourceOf<K extends NamedService['resources'][number]['kind']>(
  service: NamedService,
  kind: K,
): Extract<NamedService['resources'][number], { kind: K }> {
  const found = service.resources.find((r) => r.kind === kind);
  if (!found) throw new Error(`no ${kind} resource`);
  return found as Extract<NamedService['resources'][number], { kind: K }>;
}

/** A context that runs calls directly (no limit, no timeout) at a fixed time. */
export function directContext(now = NOW): CheckContext {
  return {
    now,
    call: (fn) => fn(new AbortController().signal),
    defaults: { backupInterval: 24 * 3_600_000 },
  };
}

export function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
}

export function accessDenied(): Error {
  return Object.assign(new Error('User is not authorized'), {
    name: 'AccessDenied',
    $metadata: { httpStatusCode: 403 },
  });
}

export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

/**
 * The preamble of an AWS checker test: registers aws-sdk-client-mock-vitest's matchers (with the toReceive*
 * aliases) and gives real SDK clients (no credentials needed), `mock` (aws-sdk-client-mock's `mockClient`
 * whose stub is reset before every test of the file) and the test plan's two services.
 */
export function checkerTest(): {
  readonly clients: AwsClients;
  readonly mock: typeof mockClient;
  readonly payments: NamedService;
  readonly accounts: NamedService;
} {
  expect.extend(allCustomMatcherWithAliases);
  const plan = testPlan();
  const mock: typeof mockClient = (client, options) => {
    const stub = mockClient(client, options);
    beforeEach(() => {
      stub.reset();
    });
    return stub;
  };
  return {
    clients: createAwsClients({ maxAttempts: 1 }),
    mock,
    payments: namedService(plan, 'payments'),
    accounts: namedService(plan, 'accounts'),
  };
}

export function byName<T extends { readonly name: string }>(
  checks: readonly T[],
  name: string,
): T | undefined {
  return checks.find((c) => c.name === name);
}
