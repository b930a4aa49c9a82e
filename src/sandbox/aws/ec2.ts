import type {
  DescribeCapacityReservationsCommandInput,
  DescribeCapacityReservationsCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  Instance,
  InstanceStateChange,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import { canonicalJson } from '../../domain/canonical-json.js';
import { DURATIONS } from './durations.js';
import { matchFilters, registerEc2Images, tagList, templateOf, templateVersion } from './ec2-images.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import { INSTANCE_VCPUS, isStandard, vcpuQuota, vcpusInUse } from './service-quotas.js';
import { AZ, type Ec2Instance, emitChange, nextId, type World } from './world.js';

const STATE_CODE: Readonly<Record<Ec2Instance['state'], number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};
const state = (s: Ec2Instance['state']) => ({ Code: STATE_CODE[s], Name: s });
function instanceShape(i: Ec2Instance): Instance {
  return {
    InstanceId: i.id,
    InstanceType: i.type as Instance['InstanceType'],
    ImageId: i.imageId,
    State: state(i.state),
    LaunchTime: new Date(i.launchTime),
    Placement: { AvailabilityZone: i.az, Tenancy: 'default' },
    PrivateIpAddress: i.privateIp,
    ...(i.subnetId ? { SubnetId: i.subnetId } : {}),
    ...(i.state === 'running'
      ? { PublicIpAddress: `198.51.100.${(Number(i.id.slice(-2).replace(/\D/g, '')) % 200) + 20}` }
      : {}),
    Tags: tagList(i.tags),
    ...(i.clientToken ? { ClientToken: i.clientToken } : {}),
    Architecture: 'x86_64',
    Monitoring: { State: 'disabled' },
    ...(i.state === 'stopped'
      ? {
          StateReason: i.stateReason
            ? { Code: i.stateReason.code, Message: i.stateReason.message }
            : {
                Code: 'Client.UserInitiatedShutdown',
                Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
              },
        }
      : {}),
  };
}

function transition(
  w: World,
  i: Ec2Instance,
  via: Ec2Instance['state'],
  to: Ec2Instance['state'],
  duration: number,
) {
  const from = i.state;
  i.state = via;
  emitChange(w, 'ec2-instance', i.id, { region: i.region, from, to: via });
  w.scheduler.at(w.time.now() + w.time.toClock(duration), () => {
    if (i.state !== via) return;
    i.state = to;
    emitChange(w, 'ec2-instance', i.id, { region: i.region, from: via, to });
  });
  return {
    InstanceId: i.id,
    PreviousState: state(from),
    CurrentState: state(via),
  } satisfies InstanceStateChange;
}

/** A state change that changed nothing: the instance was already where the call would take it. */
const unchanged = (i: Ec2Instance): InstanceStateChange => ({
  InstanceId: i.id,
  PreviousState: state(i.state),
  CurrentState: state(i.state),
});

type Ec2State = Ec2Instance['state'];

interface StateMove {
  /** Past participle for the refusal: "started", "stopped". */
  readonly verb: string;
  readonly refused: readonly Ec2State[];
  readonly from: Ec2State;
  readonly via: Ec2State;
  readonly to: Ec2State;
  readonly durationMs: number;
}

const START: StateMove = {
  verb: 'started',
  refused: ['terminated', 'shutting-down', 'stopping'],
  from: 'stopped',
  via: 'pending',
  to: 'running',
  durationMs: DURATIONS.ec2Pending,
};

const STOP: StateMove = {
  verb: 'stopped',
  refused: ['terminated', 'shutting-down', 'pending'],
  from: 'running',
  via: 'stopping',
  to: 'stopped',
  durationMs: DURATIONS.ec2Stopping,
};

/**
 * StartInstances (START) and StopInstances (STOP): the whole call is refused if any instance is in a `refused`
 * state; those in `from` move through `via` to `to` after `durationMs`, the others are reported unchanged.
 */
function changeStates(w: World, instances: readonly Ec2Instance[], move: StateMove): InstanceStateChange[] {
  for (const i of instances)
    if (move.refused.includes(i.state))
      throw awsError(
        'ec2',
        'IncorrectInstanceState',
        `The instance '${i.id}' is not in a state from which it can be ${move.verb}.`,
      );
  return instances.map((i) => {
    if (i.state !== move.from) return unchanged(i);
    delete i.stateReason;
    // An instance whose encrypted EBS volumes use a KMS key the caller cannot use goes pending, then stopped:
    // StateReason Client.InternalError (Troubleshoot Amazon EC2 instance launch issues: "Instance terminates
    // immediately"; EBS encryption requirements: the key policy). Stricter than AWS on timing: it stops after
    // the usual pending time.
    if (move === START && i.volumeKmsKeyId && w.ec2.deniedVolumeKeys.has(i.volumeKmsKeyId)) {
      i.stateReason = {
        code: 'Client.InternalError',
        message: 'Client.InternalError: Client error on launch',
      };
      return transition(w, i, 'pending', 'stopped', move.durationMs);
    }
    return transition(w, i, move.via, move.to, move.durationMs);
  });
}

function instancesById(w: World, region: string, ids: string[] | undefined): Ec2Instance[] {
  return (ids ?? []).map((id) => {
    const i = w.ec2.instances.get(id);
    if (!i || i.region !== region)
      throw awsError('ec2', 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return i;
  });
}

export function registerEc2(registry: Registry): void {
  registerEc2Images(registry);
  registry
    .on<DescribeInstancesCommandInput, DescribeInstancesCommandOutput>(
      'ec2:DescribeInstances',
      (input, { world, region }) => {
        const listed = input.InstanceIds?.length
          ? instancesById(world, region, input.InstanceIds)
          : [...world.ec2.instances.values()].filter((i) => i.region === region);
        const found = listed.filter((i) =>
          matchFilters(
            input.Filters,
            i.tags,
            (n) =>
              ({
                'instance-state-name': i.state,
                'instance-id': i.id,
                'image-id': i.imageId,
                'availability-zone': i.az,
                'instance-type': i.type,
              })[n],
          ),
        );
        return {
          Reservations: found.map((i) => ({
            ReservationId: i.reservationId ?? `r-${i.id.slice(2)}`,
            OwnerId: world.account,
            Instances: [instanceShape(i)],
          })),
        };
      },
    )
    .on<DescribeCapacityReservationsCommandInput, DescribeCapacityReservationsCommandOutput>(
      'ec2:DescribeCapacityReservations',
      (input, { world, region }) => {
        // By id: one unknown id fails the call (InvalidCapacityReservationId.NotFound, EC2 error codes).
        const inRegion = world.ec2.capacityReservations.filter((c) => c.region === region);
        const listed = input.CapacityReservationIds?.length
          ? input.CapacityReservationIds.map((id) => {
              const found = inRegion.find((c) => c.id === id);
              if (!found)
                throw awsError(
                  'ec2',
                  'InvalidCapacityReservationId.NotFound',
                  `The capacity reservation ID '${id}' does not exist`,
                );
              return found;
            })
          : inRegion;
        const found = listed.filter((c) =>
          matchFilters(
            input.Filters,
            {},
            (n) =>
              ({
                state: c.state,
                'instance-type': c.instanceType,
                'availability-zone': c.az,
                'owner-id': world.account,
              })[n],
          ),
        );
        return {
          CapacityReservations: found.map((c) => ({
            CapacityReservationId: c.id,
            OwnerId: world.account,
            InstanceType: c.instanceType,
            InstancePlatform: 'Linux/UNIX',
            AvailabilityZone: c.az,
            Tenancy: 'default',
            TotalInstanceCount: c.totalInstanceCount,
            AvailableInstanceCount: c.availableInstanceCount,
            State: c.state,
            InstanceMatchCriteria: 'open',
            EndDateType: 'unlimited',
          })),
        };
      },
    )
    .on<StartInstancesCommandInput, StartInstancesCommandOutput>(
      'ec2:StartInstances',
      (input, { world, region }) => ({
        StartingInstances: changeStates(world, instancesById(world, region, input.InstanceIds), START),
      }),
    )
    .on<StopInstancesCommandInput, StopInstancesCommandOutput>(
      'ec2:StopInstances',
      (input, { world, region }) => ({
        StoppingInstances: changeStates(world, instancesById(world, region, input.InstanceIds), STOP),
      }),
    )
    .on<TerminateInstancesCommandInput, TerminateInstancesCommandOutput>(
      'ec2:TerminateInstances',
      (input, { world, region }) => ({
        TerminatingInstances: instancesById(world, region, input.InstanceIds).map((i) =>
          i.state === 'terminated'
            ? unchanged(i)
            : transition(world, i, 'shutting-down', 'terminated', DURATIONS.ec2ShuttingDown),
        ),
      }),
    )
    .on<RunInstancesCommandInput, RunInstancesCommandOutput>(
      'ec2:RunInstances',
      (input, { world, region }) => {
        // Idempotent with a ClientToken (per Region): the same token and parameters answer the first
        // reservation again, with the instances' current state; other parameters are refused.
        const token = input.ClientToken;
        const request = launchRequest(input);
        if (token !== undefined) {
          if (token.length > 64)
            throw awsError('ec2', 'InvalidParameterValue', 'ClientToken must be at most 64 ASCII characters');
          const earlier = [...world.ec2.instances.values()].filter(
            (i) => i.region === region && i.clientToken === token,
          );
          const first = earlier[0];
          if (first) {
            if (first.launchRequest !== request)
              throw awsError(
                'ec2',
                'IdempotentParameterMismatch',
                'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
              );
            return {
              ReservationId: first.reservationId,
              OwnerId: world.account,
              Instances: earlier.map((i) => instanceShape(i)),
            };
          }
        }
        const lt = input.LaunchTemplate;
        const version = lt
          ? templateVersion(templateOf(world, region, lt.LaunchTemplateId, lt.LaunchTemplateName), lt.Version)
          : undefined;
        const imageId = input.ImageId ?? version?.imageId;
        if (!imageId)
          throw awsError('ec2', 'MissingParameter', 'The request must contain the parameter ImageId');
        if (!world.ec2.images.some((img) => img.id === imageId && img.region === region))
          throw awsError('ec2', 'InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
        // Without a subnet (its own, a network interface's or the launch template's), EC2 launches into the
        // default VPC's default subnet; a Region without a default VPC refuses the launch (RunInstances API
        // reference, SubnetId; error codes: VPCIdNotSpecified).
        const subnetId =
          input.SubnetId ?? input.NetworkInterfaces?.find((n) => n.SubnetId)?.SubnetId ?? version?.subnetId;
        if (!subnetId && world.ec2.noDefaultVpc.has(region))
          throw awsError(
            'ec2',
            'VPCIdNotSpecified',
            'No default VPC for this user. Specify a subnet (SubnetId) or a launch template with one.',
          );
        const count = Math.max(input.MinCount ?? 1, Math.min(input.MaxCount ?? 1, 100));
        // The standard On-Demand vCPU quota (L-1216C47A) counts running and pending instances' vCPUs; a launch
        // beyond it fails with VcpuLimitExceeded (EC2 API error codes; On-Demand Instance quotas).
        const type = input.InstanceType ?? version?.instanceType ?? 'm1.small';
        const quota = vcpuQuota(world, region);
        if (isStandard(type) && vcpusInUse(world, region) + count * (INSTANCE_VCPUS[type] ?? 2) > quota)
          throw awsError(
            'ec2',
            'VcpuLimitExceeded',
            `You have requested more vCPU capacity than your current vCPU limit of ${quota} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
          );
        // Capacity is per Availability Zone and instance type, and one RunInstances call places all its
        // instances in one AZ: the subnet's (or the requested Placement's), else the Region's first. A pool
        // without capacity refuses the whole launch (HTTP 500, a server error the SDK retries); nothing is
        // launched (troubleshooting-launch: insufficient instance capacity).
        const az =
          input.Placement?.AvailabilityZone ??
          (subnetId ? world.ec2.subnetAz.get(subnetId) : undefined) ??
          AZ(region, 0);
        if (world.ec2.noCapacity.has(`${az}|${type}`))
          throw awsError(
            'ec2',
            'InsufficientInstanceCapacity',
            `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${az}). Our system will be working on provisioning additional capacity. You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing a different Availability Zone.`,
            500,
          );
        const tags = Object.fromEntries(
          (input.TagSpecifications ?? [])
            .filter((s) => s.ResourceType === 'instance' || !s.ResourceType)
            .flatMap((s) => (s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        );
        const now = world.time.now();
        const reservationId = nextId(world, 'r-');
        const created = Array.from({ length: count }, (_, n) => {
          const i: Ec2Instance = {
            id: nextId(world, 'i-'),
            region,
            state: 'pending',
            // RunInstances InstanceType: "Default: m1.small" when neither the call nor a launch template names one.
            type,
            imageId,
            launchTime: now,
            az,
            tags,
            privateIp: `10.1.${10 + (world.ec2.instances.size % 200)}.${10 + n}`,
            reservationId,
            ...(subnetId ? { subnetId } : {}),
            ...(token !== undefined ? { clientToken: token, launchRequest: request } : {}),
          };
          world.ec2.instances.set(i.id, i);
          transition(world, i, 'pending', 'running', DURATIONS.ec2Pending);
          return i;
        });
        return {
          ReservationId: reservationId,
          OwnerId: world.account,
          Instances: created.map((i) => instanceShape(i)),
        };
      },
    );
}

/** The parameters that make two RunInstances calls "the same request" (everything but the token), canonical. */
function launchRequest(input: RunInstancesCommandInput): string {
  const { ClientToken: _token, ...rest } = input;
  return canonicalJson(rest);
}
