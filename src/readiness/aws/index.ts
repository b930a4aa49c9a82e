import type { AwsClients } from '../../adapters/aws/clients.js';
import { createAutoscalingChecker } from '../../kinds/autoscaling/checker.js';
import { createEcsChecker } from '../../kinds/ecs/checker.js';
import type { CheckerRegistry } from '../types.js';
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
}

/** Every AWS checker, by resource kind, over the clients from AwsClients.forRegion(). */
export function createAwsCheckers(clients: AwsClients, options: AwsCheckerOptions = {}): CheckerRegistry {
  const canary = options.canary;
  return {
    'aurora-global-cluster': [createAuroraChecker(clients), createAuroraBackupChecker(clients)],
    'rds-instance': [createRdsChecker(clients), createRdsBackupChecker(clients)],
    ec2: [createEc2Checker(clients)],
    's3-bucket': canary
      ? [createS3Checker(clients), createS3CanaryChecker(clients, canary)]
      : [createS3Checker(clients)],
    'dynamodb-global-table': canary
      ? [createDynamoDbChecker(clients), createDynamoDbCanaryChecker(clients, canary)]
      : [createDynamoDbChecker(clients)],
    route53: [createRoute53Checker(clients)],
    'arc-routing-control': [createArcChecker(clients)],
    'autoscaling-group': [createAutoscalingChecker(clients)],
    'ecs-service': [createEcsChecker(clients)],
  };
}
