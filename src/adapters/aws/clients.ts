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
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { type AssumedRole, createRoleCredentials } from './assume-role.js';

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
  /** Lambda reads (GetFunction), with the usual retries. */
  readonly lambda: LambdaClient;
  /**
   * Lambda Invoke only: one attempt (a retry after a lost answer would run the function again) and a request
   * timeout beyond the longest function (15 minutes); the step's own budget aborts it sooner.
   */
  readonly lambdaInvoke: LambdaClient;
  readonly elasticache: ElastiCacheClient;
  readonly docdb: DocDBClient;
  /** Route 53 is a global service whose control plane lives in us-east-1. */
  readonly route53: Route53Client;
}

/** Hands out one set of clients per Region, created on first use and reused afterwards. */
export interface AwsClients {
  forRegion(region: string): RegionClients;
  /**
   * The same clients acting as a role of another account (docs/plan.md, "Other accounts"): every client of a
   * Region gets credentials from STS AssumeRole on that Region's STS endpoint for `role(region)`. The one place
   * where (role, Region) becomes SDK credentials; `src/adapters/aws/roles.ts` derives the roles from the plan.
   */
  assuming(account: string, role: (region: string) => AssumedRole): AwsClients;
  /** The account whose role these clients assume; undefined for Lifeboat's own credentials. */
  readonly account?: string;
  /** Lifeboat's own clients (itself when not assuming a role), e.g. for its own SNS topics. */
  own(): AwsClients;
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
  /** The clock assumed-role credentials expire against (default: the system clock). */
  readonly now?: () => number;
  /**
   * Called on every new client, e.g. the sandbox attaching its simulated cloud. `assumed` is set on the clients
   * that act as a workload role (their credentials come from STS, not from the default chain).
   */
  readonly onClient?: (client: AnyClient, region: string, assumed?: AssumedRole) => void;
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
  | LambdaClient
  | ElastiCacheClient
  | DocDBClient
  | Route53Client
  | Route53RecoveryClusterClient
  | STSClient;

/**
 * Creates Region-scoped clients with the default credential chain. Endpoint overrides come from
 * the standard AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables, which the SDK reads itself.
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, RegionClients>();
  const arc = new Map<string, Route53RecoveryClusterClient>();
  const sts = new Map<string, STSClient>();
  const common = (region: string) => ({
    region,
    maxAttempts: options.maxAttempts ?? 4,
    retryMode: 'adaptive' as const,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 5_000, connectionTimeout: 3_000 },
  });
  const track = <C extends AnyClient>(client: C, region: string, assumed?: AssumedRole): C => {
    options.onClient?.(client, region, assumed);
    return client;
  };
  // STS with Lifeboat's own credentials, on the Regional endpoint (never the global one, served from us-east-1).
  const stsFor = (region: string): STSClient => {
    let client = sts.get(region);
    if (!client) {
      client = track(new STSClient({ ...common(region), useGlobalEndpoint: false }), region);
      sts.set(region, client);
    }
    return client;
  };
  const roles = createRoleCredentials(stsFor, options.now);
  const keyOf = (region: string, role?: AssumedRole) =>
    role ? [region, role.roleArn, role.externalId ?? '', role.sessionName].join('\n') : region;
  const build = (region: string, role?: AssumedRole): RegionClients => {
    const c = { ...common(region), ...(role ? { credentials: roles.provider(region, role) } : {}) };
    const t = <C extends AnyClient>(client: C, r = region) => track(client, r, role);
    return {
      region,
      rds: t(new RDSClient(c)),
      ec2: t(new EC2Client(c)),
      s3: t(new S3Client(c)),
      dynamodb: t(new DynamoDBClient(c)),
      dynamodbStreams: t(new DynamoDBStreamsClient(c)),
      cloudwatch: t(new CloudWatchClient(c)),
      sns: t(new SNSClient(c)),
      sqs: t(new SQSClient(c)),
      serviceQuotas: t(new ServiceQuotasClient(c)),
      backup: t(new BackupClient(c)),
      autoScaling: t(new AutoScalingClient(c)),
      ecs: t(new ECSClient(c)),
      ecr: t(new ECRClient(c)),
      elasticache: t(new ElastiCacheClient(c)),
      docdb: t(new DocDBClient(c)),
      lambda: t(new LambdaClient(c)),
      lambdaInvoke: t(
        new LambdaClient({
          ...c,
          maxAttempts: 1,
          requestHandler: { requestTimeout: 16 * 60_000, connectionTimeout: 3_000 },
        }),
      ),
      route53: t(new Route53Client({ ...c, region: 'us-east-1' }), 'us-east-1'),
    };
  };
  const regionClients = (region: string, role?: AssumedRole): RegionClients => {
    const key = keyOf(region, role);
    let clients = cache.get(key);
    if (!clients) {
      clients = build(region, role);
      cache.set(key, clients);
    }
    return clients;
  };
  const arcClient = (
    endpoint: { readonly region: string; readonly endpoint: string },
    role?: AssumedRole,
  ) => {
    const key = `${keyOf(endpoint.region, role)} ${endpoint.endpoint}`;
    let client = arc.get(key);
    if (!client) {
      client = track(
        new Route53RecoveryClusterClient({
          ...common(endpoint.region),
          endpoint: endpoint.endpoint,
          maxAttempts: 2,
          ...(role ? { credentials: roles.provider(endpoint.region, role) } : {}),
        }),
        endpoint.region,
        role,
      );
      arc.set(key, client);
    }
    return client;
  };
  const destroy = () => {
    for (const client of [...arc.values(), ...sts.values()]) client.destroy();
    arc.clear();
    sts.clear();
    for (const clients of cache.values()) {
      for (const client of Object.values(clients)) {
        if (typeof client === 'object' && client !== null && 'destroy' in client) client.destroy();
      }
    }
    cache.clear();
  };
  const own: AwsClients = {
    forRegion: (region) => regionClients(region),
    assuming: (account, role) => ({
      account,
      forRegion: (region) => regionClients(region, role(region)),
      assuming: own.assuming,
      own: () => own,
      arcCluster: (endpoint) => arcClient(endpoint, role(endpoint.region)),
      destroy,
    }),
    own: () => own,
    arcCluster: (endpoint) => arcClient(endpoint),
    destroy,
  };
  return own;
}
