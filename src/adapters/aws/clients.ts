import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DocDBClient } from '@aws-sdk/client-docdb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The SDK v3 clients Lifeboat uses against one Region of the protected workloads. */
export interface RegionClients {
  readonly region: string;
  readonly rds: RDSClient;
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly serviceQuotas: ServiceQuotasClient;
  /** AWS Backup (vaults, recovery points, copy and restore jobs) of this Region. */
  readonly backup: BackupClient;
  readonly autoScaling: AutoScalingClient;
  readonly ecs: ECSClient;
  readonly ecr: ECRClient;
  readonly elasticache: ElastiCacheClient;
  readonly docdb: DocDBClient;
  /** Route 53 is a global service whose control plane lives in us-east-1. */
  readonly route53: Route53Client;
}

/** Hands out one set of clients per Region, created on first use and reused afterwards. */
export interface AwsClients {
  forRegion(region: string): RegionClients;
  /**
   * A client for one Regional endpoint of a Route 53 ARC cluster (its data plane), signed for that
   * endpoint's Region. Two attempts only: the caller moves on to the cluster's next endpoint instead.
   */
  arcCluster(endpoint: { readonly region: string; readonly endpoint: string }): Route53RecoveryClusterClient;
  destroy(): void;
}

export interface AwsClientOptions {
  /** Per-attempt timeout for one HTTP request, ms. */
  readonly requestTimeoutMs?: number;
  /** Max attempts including the first, with the SDK's adaptive retry mode (throttling-aware). */
  readonly maxAttempts?: number;
  /** Called on every new client, e.g. the sandbox attaching its simulated cloud. */
  readonly onClient?: (client: AnyClient, region: string) => void;
}

export type AnyClient =
  | RDSClient
  | EC2Client
  | S3Client
  | DynamoDBClient
  | DynamoDBStreamsClient
  | CloudWatchClient
  | SNSClient
  | SQSClient
  | ServiceQuotasClient
  | BackupClient
  | AutoScalingClient
  | ECSClient
  | ECRClient
  | ElastiCacheClient
  | DocDBClient
  | Route53Client
  | Route53RecoveryClusterClient;

/**
 * Creates Region-scoped clients with the default credential chain. Endpoint overrides come from
 * the standard AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables, which the SDK reads itself.
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, RegionClients>();
  const arc = new Map<string, Route53RecoveryClusterClient>();
  const common = (region: string) => ({
    region,
    maxAttempts: options.maxAttempts ?? 4,
    retryMode: 'adaptive' as const,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 5_000, connectionTimeout: 3_000 },
  });
  const track = <C extends AnyClient>(client: C, region: string): C => {
    options.onClient?.(client, region);
    return client;
  };
  return {
    forRegion(region) {
      let clients = cache.get(region);
      if (!clients) {
        const c = common(region);
        clients = {
          region,
          rds: track(new RDSClient(c), region),
          ec2: track(new EC2Client(c), region),
          s3: track(new S3Client(c), region),
          dynamodb: track(new DynamoDBClient(c), region),
          dynamodbStreams: track(new DynamoDBStreamsClient(c), region),
          cloudwatch: track(new CloudWatchClient(c), region),
          sns: track(new SNSClient(c), region),
          sqs: track(new SQSClient(c), region),
          serviceQuotas: track(new ServiceQuotasClient(c), region),
          backup: track(new BackupClient(c), region),
          autoScaling: track(new AutoScalingClient(c), region),
          ecs: track(new ECSClient(c), region),
          ecr: track(new ECRClient(c), region),
          elasticache: track(new ElastiCacheClient(c), region),
          docdb: track(new DocDBClient(c), region),
          route53: track(new Route53Client({ ...c, region: 'us-east-1' }), 'us-east-1'),
        };
        cache.set(region, clients);
      }
      return clients;
    },
    arcCluster({ region, endpoint }) {
      const key = `${region} ${endpoint}`;
      let client = arc.get(key);
      if (!client) {
        client = track(
          new Route53RecoveryClusterClient({ ...common(region), endpoint, maxAttempts: 2 }),
          region,
        );
        arc.set(key, client);
      }
      return client;
    },
    destroy() {
      for (const client of arc.values()) client.destroy();
      arc.clear();
      for (const clients of cache.values()) {
        for (const client of Object.values(clients)) {
          if (typeof client === 'object' && client !== null && 'destroy' in client) client.destroy();
        }
      }
      cache.clear();
    },
  };
}
