import { EventEmitter } from 'node:events';
import type { AssumedRole } from '../../adapters/aws/assume-role.js';
import type { AnyClient } from '../../adapters/aws/clients.js';
import { type Clock, systemClock } from '../../domain/clock.js';
import type { Timeline } from '../../domain/timeline.js';
import type { ParsedPlan } from '../../plan/schema.js';
import { accountOfRole } from '../../plan/schema-role.js';
import { accountWorld, planByAccount, planRoles } from './accounts.js';
import { type CloudWatchState, evaluateAlarms } from './alarms-notify.js';
import { seedAlarms } from './alarms-seed.js';
import { registerArc } from './arc.js';
import { attachClient, type Dispatch } from './attach.js';
import { advanceAutoscaling, registerAutoscaling } from './autoscaling.js';
import { BackupModel } from './backup.js';
import { type BackupFaults, createBackupFaults } from './backup-faults.js';
import { registerBackup } from './backup-handlers.js';
import { registerBackupRestore } from './backup-restore-handlers.js';
import { seedRestoreTesting } from './backup-testing.js';
import { registerCloudWatch } from './cloudwatch.js';
import { createDispatch } from './dispatch.js';
import { registerDocdb } from './docdb.js';
import { advanceDynamoDb, registerDynamoDb } from './dynamodb.js';
import { registerDynamoDbStreams } from './dynamodb-streams.js';
import { registerEc2 } from './ec2.js';
import { advanceEcs, registerEcs } from './ecs.js';
import { registerElasticache } from './elasticache.js';
import { createFaults, type Faults } from './faults.js';
import { restoreCloud, type SavedCloud, saveCloud } from './keep.js';
import { registerLambda } from './lambda.js';
import { registerRdsDescribe } from './rds.js';
import { advanceRds, registerRdsGlobal } from './rds-global.js';
import { registerRdsOps, startBackup } from './rds-ops.js';
import { registerRdsPitr } from './rds-pitr.js';
import { Registry } from './registry.js';
import { registerRoute53 } from './route53.js';
import { advanceS3, registerS3 } from './s3.js';
import { registerS3Deletes } from './s3-deletes.js';
import { createScenarios, type Scenarios } from './scenarios.js';
import { seedWorld } from './seed.js';
import { registerServiceQuotas } from './service-quotas.js';
import { takeSnapshot, type WorldSnapshot } from './snapshot.js';
import { SnsModel } from './sns.js';
import { registerSns } from './sns-handlers.js';
import { startSnsServer } from './sns-server.js';
import { createSigningIdentity, type SigningIdentity } from './sns-signing.js';
import { registerSqs, SqsModel } from './sqs.js';
import { registerSts, SandboxIam } from './sts.js';
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
  readonly attach: (client: AnyClient, region: string, assumed?: AssumedRole) => void;
  /** IAM roles and STS sessions of the simulated accounts (sts.ts): e.g. edit a role's trust policy. */
  readonly iam: SandboxIam;
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
  const w: World = accountWorld(
    {
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
        functionErrors: new Set(),
      },
      random: seededRandom(options.seed ?? 42),
    },
    plan.account ?? services.find((s) => s.account)?.account ?? '123456789012',
  );
  const seededAt = options.restore?.seededAt ?? time.now();
  // Accounts (accounts.ts): resources of a service or resource with a role in another account live in that
  // account's world; a plan without roles is the home account's alone, as before.
  const iam = new SandboxIam(w.account);
  iam.seed(plan);
  const parts = planByAccount(plan, w.account);
  for (const { roleArn } of planRoles(plan)) {
    const account = accountOfRole(roleArn);
    if (!parts.has(account)) parts.set(account, { ...plan, services: {} });
  }
  const homePlan = parts.get(w.account) ?? plan;
  seedWorld(w, homePlan);
  const backups = new BackupModel(w, homePlan);
  backups.seed();
  for (const p of backups.plans)
    if (p.restoreTesting) seedRestoreTesting(w, backups, p, backups.drillInterval(p.service), time.now());
  const cw: CloudWatchState = { alarms: seedAlarms(w, homePlan), history: [] };
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

  const snsOptions = {
    identity,
    urls: () => urls,
    signatureVersion: options.signatureVersion ?? '2',
    deliveryTimeoutMs: 15_000,
  } as const;
  const others = [...parts]
    .filter(([account]) => account !== w.account)
    .map(([account, part]) => {
      const world = accountWorld(w, account);
      seedWorld(world, part);
      const model = new BackupModel(world, part);
      model.seed();
      const queues = new SqsModel(world);
      return {
        world,
        backups: model,
        cw: { alarms: seedAlarms(world, part), history: [] } as CloudWatchState,
        sqs: queues,
        sns: new SnsModel(world, queues, snsOptions),
      };
    });
  const worlds = [w, ...others.map((o) => o.world)];
  const advance = () => {
    w.scheduler.runDue(time.now());
    for (const x of worlds) advanceRds(x);
    w.scheduler.runDue(time.now());
    for (const x of worlds) {
      advanceS3(x);
      advanceDynamoDb(x);
      advanceAutoscaling(x);
      advanceEcs(x);
    }
  };
  const registerAll = (
    registry: Registry,
    m: { backups: BackupModel; cw: CloudWatchState; sns: SnsModel; sqs: SqsModel },
  ): Registry => {
    registerRdsDescribe(registry);
    registerRdsGlobal(registry);
    registerRdsOps(registry);
    registerRdsPitr(registry);
    registerEc2(registry);
    registerServiceQuotas(registry);
    registerS3(registry);
    registerS3Deletes(registry);
    registerDynamoDb(registry);
    registerDynamoDbStreams(registry);
    registerRoute53(registry);
    registerArc(registry);
    registerBackup(registry, m.backups);
    registerBackupRestore(registry, m.backups);
    registerAutoscaling(registry);
    registerEcs(registry);
    registerLambda(registry);
    registerElasticache(registry);
    registerDocdb(registry);
    registerCloudWatch(registry, m.cw);
    registerSns(registry, m.sns);
    registerSqs(registry, m.sqs);
    registerSts(registry, iam);
    return registry;
  };
  const registry = registerAll(new Registry(), { backups, cw, sns, sqs });
  const rates = options.apiRates === 'off' ? undefined : createRequestRates(() => time.now());
  const dispatchOptions = {
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    advance,
    ...(rates ? { rates } : {}),
  };
  const dispatchers = new Map<string, Dispatch>([
    [w.account, createDispatch(w, registry, dispatchOptions)],
    ...others.map((o): [string, Dispatch] => [
      o.world.account,
      createDispatch(o.world, registerAll(new Registry(), o), dispatchOptions),
    ]),
  ]);
  // Each call acts in the account of the credentials it was signed with.
  const dispatch: Dispatch = async (call) => {
    const caller = iam.caller(call.service, call.accessKeyId ?? '', time.now());
    const target = dispatchers.get(caller.account);
    if (!target) throw new Error(`the sandbox has no account ${caller.account}`);
    return target({ ...call, caller });
  };

  const notify = (alarmTopics: readonly string[], subject: string, message: string) => {
    for (const arn of alarmTopics) if (sns.topics.has(arn)) sns.publish(arn, message, subject);
  };
  const tick = async () => {
    advance();
    // Alarms of every account notify the home account's topics (cross-account SNS actions).
    for (const [world, state] of [[w, cw] as const, ...others.map((o) => [o.world, o.cw] as const)]) {
      evaluateAlarms(world, state, time.now(), (alarm, _old, subject, message) => {
        const actions = alarm.state.value === 'OK' ? alarm.okActions : alarm.alarmActions;
        notify(actions, subject, message);
      });
    }
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
    attach: (client, region, assumed) => attachClient(client, region, dispatch, assumed),
    iam,
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
      for (const o of others) o.sqs.close();
      await sns.settle();
      await server.close();
    },
  };
}
