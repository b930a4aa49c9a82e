import { createRequire } from 'node:module';
import type * as AutoScaling from '@aws-sdk/client-auto-scaling';
import type * as Backup from '@aws-sdk/client-backup';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as DocDB from '@aws-sdk/client-docdb';
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import type * as DynamoDBStreams from '@aws-sdk/client-dynamodb-streams';
import type * as EC2 from '@aws-sdk/client-ec2';
import type * as ECR from '@aws-sdk/client-ecr';
import type * as ECS from '@aws-sdk/client-ecs';
import type * as ElastiCache from '@aws-sdk/client-elasticache';
import type * as Lambda from '@aws-sdk/client-lambda';
import type * as RDS from '@aws-sdk/client-rds';
import type * as Route53 from '@aws-sdk/client-route-53';
import type * as Route53RecoveryCluster from '@aws-sdk/client-route53-recovery-cluster';
import type * as S3 from '@aws-sdk/client-s3';
import type * as ServiceQuotas from '@aws-sdk/client-service-quotas';
import type * as SNS from '@aws-sdk/client-sns';
import type * as SQS from '@aws-sdk/client-sqs';
import type * as STS from '@aws-sdk/client-sts';

const require = createRequire(import.meta.url);

/**
 * The AWS SDK packages Lifeboat calls, each loaded the first time something uses it (docs/alarms.md, "Cold
 * start and idle RSS of the compiled bot"). Importing them all at start cost the bot about 1 s of CPU and
 * 110 MB of RSS (EC2's alone is a 2 MB bundle) before it could answer /readyz, though nothing before ready
 * calls AWS beyond its own DynamoDB table. Each package is a CommonJS bundle, so `require` loads it
 * synchronously (clients and commands keep their synchronous constructors) into the same module cache a
 * static `import` uses: the classes are the same ones (instanceof, aws-sdk-client-mock) and a later call is a
 * cache lookup. Elsewhere in src/ (the sandbox aside) these packages are imported as types only, except
 * DynamoDB's: the state store needs it before ready anyway.
 */
export const sdk = {
  autoScaling: (): typeof AutoScaling => require('@aws-sdk/client-auto-scaling'),
  backup: (): typeof Backup => require('@aws-sdk/client-backup'),
  cloudwatch: (): typeof CloudWatch => require('@aws-sdk/client-cloudwatch'),
  docdb: (): typeof DocDB => require('@aws-sdk/client-docdb'),
  dynamodb: (): typeof DynamoDB => require('@aws-sdk/client-dynamodb'),
  dynamodbStreams: (): typeof DynamoDBStreams => require('@aws-sdk/client-dynamodb-streams'),
  ec2: (): typeof EC2 => require('@aws-sdk/client-ec2'),
  ecr: (): typeof ECR => require('@aws-sdk/client-ecr'),
  ecs: (): typeof ECS => require('@aws-sdk/client-ecs'),
  elasticache: (): typeof ElastiCache => require('@aws-sdk/client-elasticache'),
  lambda: (): typeof Lambda => require('@aws-sdk/client-lambda'),
  rds: (): typeof RDS => require('@aws-sdk/client-rds'),
  route53: (): typeof Route53 => require('@aws-sdk/client-route-53'),
  route53RecoveryCluster: (): typeof Route53RecoveryCluster =>
    require('@aws-sdk/client-route53-recovery-cluster'),
  s3: (): typeof S3 => require('@aws-sdk/client-s3'),
  serviceQuotas: (): typeof ServiceQuotas => require('@aws-sdk/client-service-quotas'),
  sns: (): typeof SNS => require('@aws-sdk/client-sns'),
  sqs: (): typeof SQS => require('@aws-sdk/client-sqs'),
  sts: (): typeof STS => require('@aws-sdk/client-sts'),
};
