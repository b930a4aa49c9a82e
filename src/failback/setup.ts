import { UpdateTableCommand, type UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { CreateDBInstanceReadReplicaCommandInput } from '@aws-sdk/client-rds';
import type { PutBucketReplicationCommandInput } from '@aws-sdk/client-s3';
import type { AwsClients } from '../adapters/aws/clients.js';
import { clientsFor } from '../adapters/aws/roles.js';
import { sdk } from '../adapters/aws/sdk.js';
import { ConflictError, type VersionedStore } from '../adapters/store/versioned.js';
import type { ApproverDirectory } from '../approval/approvers.js';
import type { AuditLog } from '../audit/types.js';
import type { Clock } from '../domain/clock.js';
import type { Plan } from '../plan/load.js';
import type { FailbackReadiness, SetupRecord, SetupStep } from './types.js';

export interface FailbackSetupDeps {
  readonly aws: AwsClients;
  readonly setups: VersionedStore<SetupRecord>;
  readonly approvers: ApproverDirectory;
  readonly audit: AuditLog;
  readonly getPlan: () => Plan;
  readonly clock: Clock;
  readonly callTimeoutMs?: number;
}

export type SetupOutcome =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'ran'; readonly record: SetupRecord };

async function call(aws: AwsClients, step: SetupStep, signal: AbortSignal): Promise<void> {
  const clients = aws.forRegion(step.region);
  switch (step.kind) {
    case 'rds-create-replica':
      await clients.rds.send(
        new (sdk.rds().CreateDBInstanceReadReplicaCommand)(
          step.input as unknown as CreateDBInstanceReadReplicaCommandInput,
        ),
        { abortSignal: signal },
      );
      return;
    case 's3-add-replication-rule':
      await clients.s3.send(
        new (sdk.s3().PutBucketReplicationCommand)(step.input as unknown as PutBucketReplicationCommandInput),
        { abortSignal: signal },
      );
      return;
    case 'dynamodb-add-replica':
      await clients.dynamodb.send(new UpdateTableCommand(step.input as unknown as UpdateTableCommandInput), {
        abortSignal: signal,
      });
      return;
  }
}

/**
 * Runs the setup steps an approver of the service approved, each audited before (intent) and after
 * (outcome), and tracks them until the failback readiness check sees their resource ready.
 */
export function createFailbackSetup(deps: FailbackSetupDeps) {
  const { setups, audit, clock } = deps;
  const now = () => clock.now();

  const write = async (service: string, change: (current: SetupRecord | undefined) => SetupRecord) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await setups.get(service);
      const next = { ...change(current), updatedAtMs: now() };
      try {
        return current
          ? await setups.transition(service, current.version, next)
          : await setups.create(service, next);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new Error(`failback setup of ${service} keeps changing`);
  };

  return {
    get: (service: string) => setups.get(service),

    /** Runs the given steps for `service` on behalf of `userId`, who must be an approver of it. */
    async run(service: string, userId: string, steps: readonly SetupStep[]): Promise<SetupOutcome> {
      const plan = deps.getPlan();
      if (!(await deps.approvers.isApprover(plan, service, userId))) {
        await audit.append({
          type: 'auth.refused',
          actor: userId,
          service,
          details: { action: 'failback.setup', reason: 'not an approver' },
        });
        return {
          kind: 'refused',
          message: `Only approvers of ${service} can set up replication back to its primary Region.`,
        };
      }
      let record = await write(service, (current) => ({
        service,
        requestedBy: current?.requestedBy ?? userId,
        approvedBy: userId,
        createdAtMs: current?.createdAtMs ?? now(),
        updatedAtMs: now(),
        steps: {
          ...current?.steps,
          ...Object.fromEntries(steps.map((step) => [step.id, { step, state: 'intent' as const }])),
        },
      }));
      for (const step of steps) {
        await audit.append({
          type: 'step.intent',
          actor: userId,
          service,
          details: {
            failbackSetup: step.id,
            command: step.command,
            region: step.region,
            input: JSON.parse(JSON.stringify(step.input)),
          },
        });
        let error: string | undefined;
        try {
          const svc = Object.hasOwn(plan.services, service) ? plan.services[service] : undefined;
          const aws = svc
            ? clientsFor(
                deps.aws,
                svc,
                svc.resources.find((r) => r.id === step.resourceId),
                'failback-setup',
              )
            : deps.aws;
          await call(aws, step, AbortSignal.timeout(deps.callTimeoutMs ?? 30_000));
        } catch (e) {
          error =
            e instanceof Error && /AlreadyExists/.test(e.name)
              ? undefined
              : e instanceof Error
                ? `${e.name}: ${e.message}`
                : String(e);
        }
        await audit.append({
          type: 'step.outcome',
          actor: userId,
          service,
          details: { failbackSetup: step.id, outcome: error ? 'failed' : 'called', error: error ?? null },
        });
        record = await write(service, (current) => ({
          ...(current ?? record),
          steps: {
            ...current?.steps,
            [step.id]: error
              ? { step, state: 'failed', error, calledAtMs: now() }
              : { step, state: 'called', calledAtMs: now() },
          },
        }));
      }
      return { kind: 'ran', record };
    },

    /** Marks steps whose resource the readiness check now sees ready as done. Returns the record, if any. */
    async track(readiness: FailbackReadiness): Promise<SetupRecord | undefined> {
      const current = await setups.get(readiness.service);
      if (!current) return undefined;
      const ready = new Set(readiness.items.filter((i) => i.status === 'ready').map((i) => i.resourceId));
      const finished = Object.values(current.steps).filter(
        (s) => s.state === 'called' && ready.has(s.step.resourceId),
      );
      if (finished.length === 0) return current;
      return write(readiness.service, (latest) => {
        const base = latest ?? current;
        const steps = { ...base.steps };
        for (const s of finished) steps[s.step.id] = { ...s, state: 'done', doneAtMs: now() };
        return { ...base, steps };
      });
    },
  };
}

export type FailbackSetup = ReturnType<typeof createFailbackSetup>;
