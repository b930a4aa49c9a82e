import type { AwsClients } from '../../adapters/aws/clients.js';
import { clientsFor, planRole } from '../../adapters/aws/roles.js';
import { type BackupPlanContext, createAwsBackupChecker } from '../../backup/readiness.js';
import { createAutoscalingChecker } from '../../kinds/autoscaling/checker.js';
import { createDocdbChecker } from '../../kinds/docdb/checker.js';
import { createEcsChecker } from '../../kinds/ecs/checker.js';
import { createElasticacheChecker } from '../../kinds/elasticache/checker.js';
import { createLambdaChecker } from '../../kinds/lambda/checker.js';
import type { Resource, ResourceKind } from '../../plan/schema.js';
import { leavingRegion } from '../leaving.js';
import type { CheckContext, Checker, CheckerRegistry, NamedService } from '../types.js';
import { createArcChecker } from './arc.js';
import { createAuroraChecker } from './aurora.js';
import { createAuroraBackupChecker, createRdsBackupChecker } from './backups.js';
import type { CanaryOptions } from './canary.js';
import { createDynamoDbCanaryChecker, createS3CanaryChecker } from './canary-probes.js';
import { createDynamoDbChecker } from './dynamodb.js';
import { createEc2Checker } from './ec2.js';
import { createRdsChecker } from './rds.js';
import { createRoute53Checker } from './route53.js';
import { createS3Checker } from './s3.js';

export interface AwsCheckerOptions {
  /** Enables the replication canaries of resources whose plan entry has `canary` (they write data). */
  readonly canary?: CanaryOptions;
  /** The plan (its plan-wide `backups` defaults): enables the AWS Backup rows of services with a backups section. */
  readonly plan?: () => BackupPlanContext;
}

/**
 * Every AWS checker, by resource kind. A resource whose service (or itself) names a role in the plan is checked
 * by the same checkers built over clients acting as that role (`clientsFor`), so every kind, including kinds
 * added later to `checkersOver`, reads the workload's account through its role.
 */
export function createAwsCheckers(clients: AwsClients, options: AwsCheckerOptions = {}): CheckerRegistry {
  const own = checkersOver(clients, options);
  const scoped = new Map<string, CheckerRegistry>();
  const registryFor = (resource: Resource, service: NamedService, ctx: CheckContext): CheckerRegistry => {
    const role = planRole(service, resource);
    const leaving = ctx.leaving;
    if (!role && !leaving) return own;
    const key = JSON.stringify([role, service.primaryRegion, service.recoveryRegion, leaving?.budgetMs]);
    let registry = scoped.get(key);
    if (!registry) {
      // A run leaving the primary Region reads through other clients, so through checkers of its own: their
      // canary memo and in-flight runs are never shared with (or taken from) a run with every retry.
      const base = leaving ? leavingRegion(clients, service.primaryRegion, leaving) : clients;
      registry = checkersOver(clientsFor(base, service, resource, 'readiness'), options);
      scoped.set(key, registry);
    }
    return registry;
  };
  const out: { [K in ResourceKind]?: readonly Checker<K>[] } = {};
  for (const kind of Object.keys(own) as ResourceKind[]) {
    const count = own[kind]?.length ?? 0;
    const wrapped = Array.from(
      { length: count },
      (_, i): Checker<ResourceKind> => ({
        check: (resource, service, ctx) => {
          const checker = (
            registryFor(resource, service, ctx)[resource.kind] as readonly Checker<ResourceKind>[] | undefined
          )?.[i];
          return checker ? checker.check(resource, service, ctx) : Promise.resolve([]);
        },
      }),
    );
    Object.assign(out, { [kind]: wrapped });
  }
  return out;
}

function checkersOver(clients: AwsClients, options: AwsCheckerOptions): CheckerRegistry {
  const canary = options.canary;
  const plan = options.plan;
  // AWS Backup rows (src/backup/readiness.ts) for the kinds AWS Backup backs up, when the plan is given.
  const awsBackup = <K extends ResourceKind>(): Checker<K>[] =>
    plan ? [createAwsBackupChecker<K>(clients, plan)] : [];
  return {
    'aurora-global-cluster': [
      createAuroraChecker(clients),
      createAuroraBackupChecker(clients),
      ...awsBackup<'aurora-global-cluster'>(),
    ],
    'rds-instance': [
      createRdsChecker(clients),
      createRdsBackupChecker(clients),
      ...awsBackup<'rds-instance'>(),
    ],
    ec2: [createEc2Checker(clients), ...awsBackup<'ec2'>()],
    's3-bucket': canary
      ? [createS3Checker(clients), createS3CanaryChecker(clients, canary), ...awsBackup<'s3-bucket'>()]
      : [createS3Checker(clients), ...awsBackup<'s3-bucket'>()],
    'dynamodb-global-table': canary
      ? [
          createDynamoDbChecker(clients),
          createDynamoDbCanaryChecker(clients, canary),
          ...awsBackup<'dynamodb-global-table'>(),
        ]
      : [createDynamoDbChecker(clients), ...awsBackup<'dynamodb-global-table'>()],
    route53: [createRoute53Checker(clients)],
    'arc-routing-control': [createArcChecker(clients)],
    'autoscaling-group': [createAutoscalingChecker(clients)],
    'ecs-service': [createEcsChecker(clients)],
    'lambda-function': [createLambdaChecker(clients)],
    'elasticache-global-datastore': [createElasticacheChecker(clients)],
    'docdb-global-cluster': [createDocdbChecker(clients)],
  };
}
