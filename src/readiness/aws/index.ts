import type { AwsClients } from '../../adapters/aws/clients.js';
import type { CheckerRegistry } from '../types.js';
import { createAuroraChecker } from './aurora.js';
import { createAuroraBackupChecker, createRdsBackupChecker } from './backups.js';
import { createDynamoDbChecker } from './dynamodb.js';
import { createEc2Checker } from './ec2.js';
import { createRdsChecker } from './rds.js';
import { createRoute53Checker } from './route53.js';
import { createS3Checker } from './s3.js';

/** Every AWS checker, by resource kind, over the clients from AwsClients.forRegion(). */
export function createAwsCheckers(clients: AwsClients): CheckerRegistry {
  return {
    'aurora-global-cluster': [createAuroraChecker(clients), createAuroraBackupChecker(clients)],
    'rds-instance': [createRdsChecker(clients), createRdsBackupChecker(clients)],
    ec2: [createEc2Checker(clients)],
    's3-bucket': [createS3Checker(clients)],
    'dynamodb-global-table': [createDynamoDbChecker(clients)],
    route53: [createRoute53Checker(clients)],
  };
}
