import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { BackupClient } from '@aws-sdk/client-backup';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DocDBClient } from '@aws-sdk/client-docdb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import { type AssumedRole, createRoleCredentials } from './assume-role.js';
import { ROUTE53_METRICS_REGION } from './route53-health.js';
import { sdk } from './sdk.js';

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
   * The same Region's clients (the same credentials or role) making a single attempt per call: no SDK retries.
   * For reads whose failure is only reported, of a Region presumed impaired (src/readiness/leaving.ts). Route 53
   * is not that Region's: `route53` is the one of `forRegion`, with its retries.
   */
  oneAttempt(region: string): RegionClients;
  /**
   * CloudWatch in us-east-1, where Route 53 publishes its health checks' metrics (ROUTE53_METRICS_REGION): part
   * of the global DNS topology, whichever Region is impaired. The same client as
   * `forRegion(ROUTE53_METRICS_REGION).cloudwatch`.
   */
  route53Metrics(): CloudWatchClient;
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
  // Every client constructed so far, whatever its kind, for destroy().
  const live = new Set<AnyClient>();
  const arc = new Map<string, Route53RecoveryClusterClient>();
  const sts = new Map<string, STSClient>();
  const common = (region: string) => ({
    region,
    maxAttempts: options.maxAttempts ?? 4,
    retryMode: 'adaptive' as const,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 5_000, connectionTimeout: 3_000 },
  });
  const track = <C extends AnyClient>(client: C, region: string, assumed?: AssumedRole): C => {
    live.add(client);
    options.onClient?.(client, region, assumed);
    return client;
  };
  // STS with Lifeboat's own credentials, on the Regional endpoint (never the global one, served from us-east-1).
  const stsFor = (region: string): STSClient => {
    let client = sts.get(region);
    if (!client) {
      client = track(new (sdk.sts().STSClient)({ ...common(region), useGlobalEndpoint: false }), region);
      sts.set(region, client);
    }
    return client;
  };
  const roles = createRoleCredentials(stsFor, options.now);
  const keyOf = (region: string, role?: AssumedRole, attempts?: number) =>
    [region, role?.roleArn ?? '', role?.externalId ?? '', role?.sessionName ?? '', attempts ?? ''].join('\n');
  /**
   * A Region's clients, each constructed (and its SDK package loaded, src/adapters/aws/sdk.ts) on first use:
   * a bot that never calls ECS in a Region never pays for an ECS client there. `onClient` sees a client when
   * it is constructed, before its first command. `attempts` overrides the SDK's max attempts of the Region's own
   * clients (Route 53, global, is then the ordinary one).
   */
  const build = (region: string, role?: AssumedRole, attempts?: number): RegionClients => {
    const c = {
      ...common(region),
      ...(role ? { credentials: roles.provider(region, role) } : {}),
      ...(attempts === undefined ? {} : { maxAttempts: attempts }),
    };
    const once = <C extends AnyClient>(create: () => C, r = region): (() => C) => {
      let client: C | undefined;
      return () => {
        client ??= track(create(), r, role);
        return client;
      };
    };
    const rds = once(() => new (sdk.rds().RDSClient)(c));
    const ec2 = once(() => new (sdk.ec2().EC2Client)(c));
    const s3 = once(() => new (sdk.s3().S3Client)(c));
    const dynamodb = once(() => new (sdk.dynamodb().DynamoDBClient)(c));
    const dynamodbStreams = once(() => new (sdk.dynamodbStreams().DynamoDBStreamsClient)(c));
    const cloudwatch = once(() => new (sdk.cloudwatch().CloudWatchClient)(c));
    const sns = once(() => new (sdk.sns().SNSClient)(c));
    const sqs = once(() => new (sdk.sqs().SQSClient)(c));
    const serviceQuotas = once(() => new (sdk.serviceQuotas().ServiceQuotasClient)(c));
    const backup = once(() => new (sdk.backup().BackupClient)(c));
    const autoScaling = once(() => new (sdk.autoScaling().AutoScalingClient)(c));
    const ecs = once(() => new (sdk.ecs().ECSClient)(c));
    const ecr = once(() => new (sdk.ecr().ECRClient)(c));
    const elasticache = once(() => new (sdk.elasticache().ElastiCacheClient)(c));
    const docdb = once(() => new (sdk.docdb().DocDBClient)(c));
    const lambda = once(() => new (sdk.lambda().LambdaClient)(c));
    const lambdaInvoke = once(
      () =>
        new (sdk.lambda().LambdaClient)({
          ...c,
          maxAttempts: 1,
          requestHandler: { requestTimeout: 16 * 60_000, connectionTimeout: 3_000 },
        }),
    );
    const route53 =
      attempts === undefined
        ? once(() => new (sdk.route53().Route53Client)({ ...c, region: 'us-east-1' }), 'us-east-1')
        : () => regionClients(region, role).route53;
    return {
      region,
      get rds() {
        return rds();
      },
      get ec2() {
        return ec2();
      },
      get s3() {
        return s3();
      },
      get dynamodb() {
        return dynamodb();
      },
      get dynamodbStreams() {
        return dynamodbStreams();
      },
      get cloudwatch() {
        return cloudwatch();
      },
      get sns() {
        return sns();
      },
      get sqs() {
        return sqs();
      },
      get serviceQuotas() {
        return serviceQuotas();
      },
      get backup() {
        return backup();
      },
      get autoScaling() {
        return autoScaling();
      },
      get ecs() {
        return ecs();
      },
      get ecr() {
        return ecr();
      },
      get elasticache() {
        return elasticache();
      },
      get docdb() {
        return docdb();
      },
      get lambda() {
        return lambda();
      },
      get lambdaInvoke() {
        return lambdaInvoke();
      },
      get route53() {
        return route53();
      },
    };
  };
  const regionClients = (region: string, role?: AssumedRole, attempts?: number): RegionClients => {
    const key = keyOf(region, role, attempts);
    let clients = cache.get(key);
    if (!clients) {
      clients = build(region, role, attempts);
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
        new (sdk.route53RecoveryCluster().Route53RecoveryClusterClient)({
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
    for (const client of live) client.destroy();
    live.clear();
    arc.clear();
    sts.clear();
    cache.clear();
  };
  const own: AwsClients = {
    forRegion: (region) => regionClients(region),
    oneAttempt: (region) => regionClients(region, undefined, 1),
    route53Metrics: () => regionClients(ROUTE53_METRICS_REGION).cloudwatch,
    assuming: (account, role) => ({
      account,
      forRegion: (region) => regionClients(region, role(region)),
      oneAttempt: (region) => regionClients(region, role(region), 1),
      route53Metrics: () => regionClients(ROUTE53_METRICS_REGION, role(ROUTE53_METRICS_REGION)).cloudwatch,
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
