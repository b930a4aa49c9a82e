import { randomUUID } from 'node:crypto';
import * as autoscaling from '@aws-sdk/client-auto-scaling';
import * as backup from '@aws-sdk/client-backup';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as docdb from '@aws-sdk/client-docdb';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as streams from '@aws-sdk/client-dynamodb-streams';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecr from '@aws-sdk/client-ecr';
import * as ecs from '@aws-sdk/client-ecs';
import * as elasticache from '@aws-sdk/client-elasticache';
import * as lambda from '@aws-sdk/client-lambda';
import * as rds from '@aws-sdk/client-rds';
import * as route53 from '@aws-sdk/client-route-53';
import * as arc from '@aws-sdk/client-route53-recovery-cluster';
import * as s3 from '@aws-sdk/client-s3';
import * as servicequotas from '@aws-sdk/client-service-quotas';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import * as sts from '@aws-sdk/client-sts';

/** Service keys, as in IAM action prefixes (`rds:PromoteReadReplica`). */
export type ServiceKey =
  | 'rds'
  | 'ec2'
  | 's3'
  | 'dynamodb'
  | 'dynamodb-streams'
  | 'cloudwatch'
  | 'sns'
  | 'sqs'
  | 'servicequotas'
  | 'route53'
  | 'route53-recovery-cluster'
  | 'backup'
  | 'autoscaling'
  | 'ecs'
  | 'ecr'
  | 'lambda'
  | 'sts'
  | 'elasticache'
  | 'docdb';

export const CLIENT_SERVICE: Readonly<Record<string, ServiceKey>> = {
  RDSClient: 'rds',
  EC2Client: 'ec2',
  S3Client: 's3',
  DynamoDBClient: 'dynamodb',
  DynamoDBStreamsClient: 'dynamodb-streams',
  CloudWatchClient: 'cloudwatch',
  SNSClient: 'sns',
  SQSClient: 'sqs',
  ServiceQuotasClient: 'servicequotas',
  Route53Client: 'route53',
  Route53RecoveryClusterClient: 'route53-recovery-cluster',
  BackupClient: 'backup',
  AutoScalingClient: 'autoscaling',
  ECSClient: 'ecs',
  ECRClient: 'ecr',
  LambdaClient: 'lambda',
  STSClient: 'sts',
  ElastiCacheClient: 'elasticache',
  DocDBClient: 'docdb',
};

interface ExceptionOptions {
  name: string;
  $fault: 'client' | 'server';
  message: string;
  $metadata: { httpStatusCode: number; requestId: string };
}
type ExceptionClass = new (options: ExceptionOptions) => Error;

const MODULES: Readonly<Record<ServiceKey, { base: ExceptionClass; ns: Record<string, unknown> }>> = {
  rds: { base: rds.RDSServiceException, ns: rds },
  ec2: { base: ec2.EC2ServiceException, ns: ec2 },
  s3: { base: s3.S3ServiceException, ns: s3 },
  dynamodb: { base: dynamodb.DynamoDBServiceException, ns: dynamodb },
  'dynamodb-streams': { base: streams.DynamoDBStreamsServiceException, ns: streams },
  cloudwatch: { base: cloudwatch.CloudWatchServiceException, ns: cloudwatch },
  sns: { base: sns.SNSServiceException, ns: sns },
  sqs: { base: sqs.SQSServiceException, ns: sqs },
  servicequotas: { base: servicequotas.ServiceQuotasServiceException, ns: servicequotas },
  route53: { base: route53.Route53ServiceException, ns: route53 },
  'route53-recovery-cluster': { base: arc.Route53RecoveryClusterServiceException, ns: arc },
  backup: { base: backup.BackupServiceException, ns: backup },
  autoscaling: { base: autoscaling.AutoScalingServiceException, ns: autoscaling },
  ecs: { base: ecs.ECSServiceException, ns: ecs },
  ecr: { base: ecr.ECRServiceException, ns: ecr },
  lambda: { base: lambda.LambdaServiceException, ns: lambda },
  sts: { base: sts.STSServiceException, ns: sts },
  elasticache: { base: elasticache.ElastiCacheServiceException, ns: elasticache },
  docdb: { base: docdb.DocDBServiceException, ns: docdb },
};

/** The error code each service uses when it throttles, and its HTTP status. */
export const THROTTLING: Readonly<Record<ServiceKey, { name: string; status: number }>> = {
  rds: { name: 'Throttling', status: 400 },
  ec2: { name: 'RequestLimitExceeded', status: 503 },
  s3: { name: 'SlowDown', status: 503 },
  dynamodb: { name: 'ThrottlingException', status: 400 },
  'dynamodb-streams': { name: 'ThrottlingException', status: 400 },
  cloudwatch: { name: 'Throttling', status: 400 },
  sns: { name: 'ThrottledException', status: 400 },
  sqs: { name: 'RequestThrottled', status: 400 },
  servicequotas: { name: 'TooManyRequestsException', status: 400 },
  // Route 53: Code `Throttling`, HTTP 400 (Developer Guide, throttling API requests).
  route53: { name: 'Throttling', status: 400 },
  'route53-recovery-cluster': { name: 'ThrottlingException', status: 429 },
  backup: { name: 'ThrottlingException', status: 400 },
  // Auto Scaling (Query API): Throttling, HTTP 400 (Common Errors).
  autoscaling: { name: 'Throttling', status: 400 },
  // ECS and ECR (JSON APIs): ThrottlingException, HTTP 400.
  ecs: { name: 'ThrottlingException', status: 400 },
  ecr: { name: 'ThrottlingException', status: 400 },
  // Lambda (REST-JSON): TooManyRequestsException, HTTP 429 (Invoke and GetFunction API references).
  lambda: { name: 'TooManyRequestsException', status: 429 },
  // STS (Query API): Throttling, HTTP 400 (Common Errors).
  sts: { name: 'Throttling', status: 400 },
  // ElastiCache and DocumentDB (Query APIs, like RDS): Throttling, HTTP 400 (Common Errors).
  elasticache: { name: 'Throttling', status: 400 },
  docdb: { name: 'Throttling', status: 400 },
};

export function requestId(): string {
  return randomUUID();
}

/**
 * An error shaped exactly as the SDK's deserializer would produce it: the client package's modeled
 * exception class when one exists with that name (e.g. DBClusterNotFoundFault), otherwise the
 * service's base exception with `name` set to the error code (e.g. `InvalidInstanceID.NotFound`).
 */
export function awsError(service: ServiceKey, name: string, message: string, status = 400): Error {
  const { base, ns } = MODULES[service];
  const candidate = ns[name];
  const Ctor =
    typeof candidate === 'function' && candidate.prototype instanceof base
      ? (candidate as ExceptionClass)
      : base;
  const error = new Ctor({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    message,
    $metadata: { httpStatusCode: status, requestId: requestId() },
  });
  // Deserialized query/XML errors also carry the code and message as fields.
  Object.assign(error, { Code: name, Message: message });
  return error;
}

export function throttlingError(service: ServiceKey): Error {
  const { name, status } = THROTTLING[service];
  return awsError(service, name, 'Rate exceeded', status);
}

export function unavailableError(service: ServiceKey, region: string): Error {
  return awsError(service, 'ServiceUnavailable', `Service unavailable in ${region}`, 503);
}

/** The shape of the Node HTTP handler's request timeout, which the retry strategy treats as transient. */
export function timeoutError(timeoutMs: number): Error {
  return Object.assign(
    new Error(
      `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${timeoutMs} ms requestTimeout.`,
    ),
    { name: 'TimeoutError', code: 'ETIMEDOUT' },
  );
}
