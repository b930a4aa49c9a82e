import { EventEmitter } from 'node:events';
import type { AnyClient } from '../../adapters/aws/clients.js';
import { type Clock, systemClock } from '../../domain/clock.js';
import type { Timeline } from '../../domain/timeline.js';
import type { ParsedPlan } from '../../plan/schema.js';
import { type CloudWatchState, evaluateAlarms } from './alarms-notify.js';
import { seedAlarms } from './alarms-seed.js';
import { registerArc } from './arc.js';
import { attachClient } from './attach.js';
import { advanceAutoscaling, registerAutoscaling } from './autoscaling.js';
import { createAutoscalingState } from './autoscaling-state.js';
import { BackupModel } from './backup.js';
import { type BackupFaults, createBackupFaults } from './backup-faults.js';
import { registerBackup } from './backup-handlers.js';
import { registerCloudWatch } from './cloudwatch.js';
import { createDispatch } from './dispatch.js';
import { advanceDynamoDb, registerDynamoDb } from './dynamodb.js';
import { registerDynamoDbStreams } from './dynamodb-streams.js';
import { registerEc2 } from './ec2.js';
import { advanceEcs, registerEcs } from './ecs.js';
import { createEcsState } from './ecs-state.js';
import { createFaults, type Faults } from './faults.js';
import { restoreCloud, type SavedCloud, saveCloud } from './keep.js';
import { registerRdsDescribe } from './rds.js';
import { advanceRds, registerRdsGlobal } from './rds-global.js';
import { registerRdsOps, startBackup } from './rds-ops.js';
import { registerRdsPitr } from './rds-pitr.js';
import { Registry } from './registry.js';
import { registerRoute53 } from './route53.js';
import { advanceS3, registerS3 } from './s3.js';
import { createScenarios, type Scenarios } from './scenarios.js';
import { seedWorld } from './seed.js';
import { registerServiceQuotas } from './service-quotas.js';
import { takeSnapshot, type WorldSnapshot } from './snapshot.js';
import { SnsModel } from './sns.js';
import { registerSns } from './sns-handlers.js';
import { startSnsServer } from './sns-server.js';
import { createSigningIdentity, type SigningIdentity } from './sns-signing.js';
import { registerSqs, SqsModel } from './sqs.js';
import { createRequestRates } from './throttle.js';
import { createSimTime, Scheduler, seededRandom, simulatedTimeline } from './time.js';
import type { World } from './world.js';

export type { BackupFaults } from './backup-faults.js';
export type { Faults, FaultsSnapshot } from './faults.js';
export type { SavedCloud } from './keep.js';
export type { Scenarios } from './scenarios.js';
export type { WorldSnapshot } from './snapshot.js';
export { type SigningIdentity, type SnsEnvelope, signSnsMessage, snsStringToSign } from './sns-signing.js';

export interface SimulatedCloudOptions {
  readonly plan: ParsedPlan;
  /** Shared wall clock (default: system clock). A manual clock plus `tick()` makes tests deterministic. */
  readonly clock?: Clock;
  /** Simulated speed-up: 60 = one simulated minute per clock second (default 1). */
  readonly timeScale?: number;
  readonly primaryRegion?: string;
  readonly recoveryRegion?: string;
  /** Clock ms between automatic `tick()`s; 0 disables the timer (default 250). */
  readonly tickIntervalMs?: number;
  /** The SDK clients' request timeout, ms, used to shape simulated timeouts (default 5000). */
  readonly requestTimeoutMs?: number;
  /** Seed for probabilistic faults (default 42). */
  readonly seed?: number;
  /** Scheme of the local SNS endpoint serving the signing certificate and SubscribeURL (default https). */
  readonly snsScheme?: 'https' | 'http';
  /** SNS SignatureVersion for deliveries (default "2", SHA256withRSA). */
  readonly signatureVersion?: '1' | '2';
  /** Reuse a signing key and certificate instead of generating one. */
  readonly signingIdentity?: SigningIdentity;
  /**
   * AWS's documented per-API request rates, as token buckets per account, Region and API (throttle.ts,
   * FIDELITY.md): `aws` (default) refuses requests past them with each service's throttling error; `off`
   * only for tests that measure something else.
   */
  readonly apiRates?: 'aws' | 'off';
  /** Continue a world saved by `save()` (the sandbox's `--keep`) instead of the freshly seeded one. */
  readonly restore?: SavedCloud;
}

export interface SimulatedCloud {
  /** Use as `createAwsClients({ onClient: cloud.attach })`. */
  readonly attach: (client: AnyClient, region: string) => void;
  readonly faults: Faults;
  /** AWS Backup faults: failed copy jobs, missed backup windows, a vault without lock (backup-faults.ts). */
  readonly backup: BackupFaults;
  /** Account states that are not faults (nothing heals them): see scenarios.ts. */
  readonly scenarios: Scenarios;
  readonly events: EventEmitter;
  snapshot(): WorldSnapshot;
  /** Subscribes an HTTP(S) endpoint to a topic; SNS sends it a SubscriptionConfirmation to confirm. Returns the subscription ARN. */
  subscribeHttp(topicArn: string, url: string, options?: { raw?: boolean }): Promise<string>;
  /** Publishes as SNS would (e.g. to simulate a message from outside Lifeboat). */
  publish(topicArn: string, message: string, subject?: string): string;
  /** Brings the model up to date, evaluates due alarms, runs due SNS deliveries and waits for them. */
  tick(): Promise<void>;
  /** Messages published to a topic, oldest first. */
  published(topicArn: string): { messageId: string; subject?: string; message: string; at: number }[];
  /** Requests refused for exceeding AWS's request rates so far, by bucket (`rds:*`, `ec2:DescribeInstances`, …). */
  throttled(): ReadonlyMap<string, number>;
  /** The `service:Operation`s the model answers. */
  operations(): string[];
  readonly certificatePem: string;
  readonly signingCertUrl: string;
  /** Base URL of the local SNS endpoint (SubscribeURL, UnsubscribeURL, certificate). */
  readonly snsEndpoint: string;
  /** Durations in the model's time (scaled since the world was seeded), for the bot's drill and runbook figures. */
  readonly timeline: Timeline;
  /** The model as plain JSON, to continue it later (`restore`); operations in progress complete first. */
  save(): SavedCloud;
  close(): Promise<void>;
}

export async function createSimulatedCloud(options: SimulatedCloudOptions): Promise<SimulatedCloud> {
  const { plan } = options;
  const services = Object.values(plan.services);
  const time = createSimTime(options.clock ?? systemClock, options.timeScale ?? 1);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const w: World = {
    account: plan.account ?? services.find((s) => s.account)?.account ?? '123456789012',
    primaryRegion: options.primaryRegion ?? services[0]?.primaryRegion ?? 'us-east-1',
    recoveryRegion: options.recoveryRegion ?? services[0]?.recoveryRegion ?? 'us-west-2',
    time,
    scheduler: new Scheduler(),
    events,
    faults: {
      outages: new Map(),
      outageMode: new Map(),
      broken: new Map(),
      throttles: [],
      latencies: [],
      failures: [],
    },
    random: seededRandom(options.seed ?? 42),
    rds: {
      globals: new Map(),
      clusters: new Map(),
      instances: new Map(),
      snapshots: [],
      automatedBackups: [],
    },
    ec2: {
      instances: new Map(),
      images: [],
      snapshots: [],
      launchTemplates: [],
      noDefaultVpc: new Set(),
      deniedVolumeKeys: new Set(),
      capacityReservations: [],
      vcpuQuota: new Map(),
      subnetAz: new Map(),
      noCapacity: new Set(),
    },
    s3: { buckets: new Map() },
    dynamodb: { replicas: new Map(), pending: [] },
    route53: { healthChecks: new Map(), zones: new Map(), changes: new Map() },
    arc: { controls: new Map(), rules: [] },
    autoscaling: createAutoscalingState(),
    ecs: createEcsState(),
    counters: new Map(),
    aliases: new Map(),
  };
  const seededAt = options.restore?.seededAt ?? time.now();
  seedWorld(w, plan);
  const backups = new BackupModel(w, plan);
  backups.seed();
  const cw: CloudWatchState = { alarms: seedAlarms(w, plan), history: [] };
  if (options.restore) restoreCloud(w, cw, options.restore);

  const identity = options.signingIdentity ?? (await createSigningIdentity(new Date(time.now())));
  const sqs = new SqsModel(w);
  let urls = { baseUrl: '', certUrl: '' };
  const sns = new SnsModel(w, sqs, {
    identity,
    urls: () => urls,
    signatureVersion: options.signatureVersion ?? '2',
    deliveryTimeoutMs: 15_000,
  });
  for (const arn of [...plan.alarmTopics, ...services.flatMap((s) => s.stakeholderTopics)])
    sns.ensureTopic(arn);
  const server = await startSnsServer(
    identity,
    {
      confirm: (topicArn, token) => sns.confirm(topicArn, token),
      unsubscribe: (arn) => sns.unsubscribe(arn),
    },
    options.snsScheme ?? 'https',
  );
  urls = { baseUrl: server.baseUrl, certUrl: server.certUrl };

  const advance = () => {
    w.scheduler.runDue(time.now());
    advanceRds(w);
    w.scheduler.runDue(time.now());
    advanceS3(w);
    advanceDynamoDb(w);
    advanceAutoscaling(w);
    advanceEcs(w);
  };
  const registry = new Registry();
  registerRdsDescribe(registry);
  registerRdsGlobal(registry);
  registerRdsOps(registry);
  registerRdsPitr(registry);
  registerEc2(registry);
  registerServiceQuotas(registry);
  registerS3(registry);
  registerDynamoDb(registry);
  registerDynamoDbStreams(registry);
  registerRoute53(registry);
  registerArc(registry);
  registerBackup(registry, backups);
  registerAutoscaling(registry);
  registerEcs(registry);
  registerCloudWatch(registry, cw);
  registerSns(registry, sns);
  registerSqs(registry, sqs);
  const rates = options.apiRates === 'off' ? undefined : createRequestRates(() => time.now());
  const dispatch = createDispatch(w, registry, {
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    advance,
    ...(rates ? { rates } : {}),
  });

  const notify = (alarmTopics: readonly string[], subject: string, message: string) => {
    for (const arn of alarmTopics) if (sns.topics.has(arn)) sns.publish(arn, message, subject);
  };
  const tick = async () => {
    advance();
    evaluateAlarms(w, cw, time.now(), (alarm, _old, subject, message) => {
      const actions = alarm.state.value === 'OK' ? alarm.okActions : alarm.alarmActions;
      notify(actions, subject, message);
    });
    sns.pump();
    await sns.settle();
  };
  let ticking: Promise<void> | undefined;
  const interval = options.tickIntervalMs ?? 250;
  const timer =
    interval > 0
      ? setInterval(() => {
          ticking ??= tick()
            .catch((error: unknown) => {
              events.emit('error-report', error);
            })
            .finally(() => {
              ticking = undefined;
            });
        }, interval)
      : undefined;
  timer?.unref?.();

  const faults = createFaults(w, {
    onChange: advance,
    backingUp: (region, id, ms) => startBackup(w, region ?? w.recoveryRegion, id, ms),
  });

  return {
    attach: (client, region) => attachClient(client, region, dispatch),
    faults,
    backup: createBackupFaults(w, backups, advance),
    scenarios: createScenarios(w, advance),
    events,
    snapshot: () => {
      advance();
      return takeSnapshot(w, {
        faults: faults.describe(),
        alarms: cw.alarms,
        sns: { topics: sns.describe() },
        sqs: { queues: sqs.describe() },
      });
    },
    async subscribeHttp(topicArn, url, opts = {}) {
      const protocol = url.startsWith('https:') ? 'https' : 'http';
      const sub = sns.subscribe(topicArn, protocol, url, opts.raw ?? false);
      await sns.settle();
      return sub.arn;
    },
    publish: (topicArn, message, subject) => sns.publish(topicArn, message, subject),
    timeline: simulatedTimeline(time, seededAt),
    tick,
    published: (topicArn) =>
      sns.topic(topicArn).published.map((m) => ({
        messageId: m.messageId,
        ...(m.subject ? { subject: m.subject } : {}),
        message: m.message,
        at: m.at,
      })),
    throttled: () => rates?.throttled() ?? new Map(),
    operations: () => registry.operations(),
    save: () => {
      advance();
      return saveCloud(w, cw, seededAt);
    },
    certificatePem: identity.certificatePem,
    signingCertUrl: server.certUrl,
    snsEndpoint: server.baseUrl,
    async close() {
      if (timer) clearInterval(timer);
      await ticking;
      sqs.close();
      await sns.settle();
      await server.close();
    },
  };
}
