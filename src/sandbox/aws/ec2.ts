import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  Filter,
  Instance,
  InstanceStateChange,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  Tag,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import { DURATIONS } from './durations.js';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
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
const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** EC2 filters: `tag:Key`, `tag-key`, and named attributes resolved by `attr`. */
function matchFilters(
  filters: Filter[] | undefined,
  tags: Record<string, string>,
  attr: (name: string) => string | undefined,
) {
  return (filters ?? []).every((f) => {
    const values = f.Values ?? [];
    const name = f.Name ?? '';
    const glob = (v: string, actual: string | undefined) =>
      actual !== undefined &&
      new RegExp(
        `^${v
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(actual);
    if (name.startsWith('tag:')) return values.some((v) => glob(v, tags[name.slice(4)]));
    if (name === 'tag-key') return values.some((v) => v in tags);
    return values.some((v) => glob(v, attr(name)));
  });
}

function instanceShape(i: Ec2Instance): Instance {
  return {
    InstanceId: i.id,
    InstanceType: i.type as Instance['InstanceType'],
    ImageId: i.imageId,
    State: state(i.state),
    LaunchTime: new Date(i.launchTime),
    Placement: { AvailabilityZone: i.az, Tenancy: 'default' },
    PrivateIpAddress: i.privateIp,
    ...(i.state === 'running'
      ? { PublicIpAddress: `198.51.100.${(Number(i.id.slice(-2).replace(/\D/g, '')) % 200) + 20}` }
      : {}),
    Tags: tagList(i.tags),
    Architecture: 'x86_64',
    Monitoring: { State: 'disabled' },
    ...(i.state === 'stopped'
      ? {
          StateReason: {
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

function instancesById(w: World, region: string, ids: string[] | undefined): Ec2Instance[] {
  return (ids ?? []).map((id) => {
    const i = w.ec2.instances.get(id);
    if (!i || i.region !== region)
      throw awsError('ec2', 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return i;
  });
}

function templateOf(w: World, region: string, id: string | undefined, name: string | undefined) {
  const t = w.ec2.launchTemplates.find(
    (x) => x.region === region && (x.id === id || (name !== undefined && x.name === name)),
  );
  if (!t)
    throw awsError(
      'ec2',
      'InvalidLaunchTemplateId.NotFound',
      `The specified launch template, with template ID ${id ?? name ?? ''}, does not exist.`,
    );
  return t;
}

function templateVersion(t: ReturnType<typeof templateOf>, wanted: string | undefined) {
  const n =
    wanted === undefined || wanted === '$Default'
      ? t.defaultVersion
      : wanted === '$Latest'
        ? Math.max(...t.versions.map((v) => v.number))
        : Number(wanted);
  const v = t.versions.find((x) => x.number === n);
  if (!v)
    throw awsError(
      'ec2',
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${wanted ?? ''} for ${t.id}.`,
    );
  return v;
}

export function registerEc2(registry: Registry): void {
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
            ReservationId: `r-${i.id.slice(2)}`,
            OwnerId: world.account,
            Instances: [instanceShape(i)],
          })),
        };
      },
    )
    .on<StartInstancesCommandInput, StartInstancesCommandOutput>(
      'ec2:StartInstances',
      (input, { world, region }) => {
        const instances = instancesById(world, region, input.InstanceIds);
        for (const i of instances) {
          if (i.state === 'terminated' || i.state === 'shutting-down' || i.state === 'stopping')
            throw awsError(
              'ec2',
              'IncorrectInstanceState',
              `The instance '${i.id}' is not in a state from which it can be started.`,
            );
        }
        return {
          StartingInstances: instances.map((i) =>
            i.state === 'stopped'
              ? transition(world, i, 'pending', 'running', DURATIONS.ec2Pending)
              : { InstanceId: i.id, PreviousState: state(i.state), CurrentState: state(i.state) },
          ),
        };
      },
    )
    .on<StopInstancesCommandInput, StopInstancesCommandOutput>(
      'ec2:StopInstances',
      (input, { world, region }) => {
        const instances = instancesById(world, region, input.InstanceIds);
        for (const i of instances) {
          if (i.state === 'terminated' || i.state === 'shutting-down' || i.state === 'pending')
            throw awsError(
              'ec2',
              'IncorrectInstanceState',
              `The instance '${i.id}' is not in a state from which it can be stopped.`,
            );
        }
        return {
          StoppingInstances: instances.map((i) =>
            i.state === 'running'
              ? transition(world, i, 'stopping', 'stopped', DURATIONS.ec2Stopping)
              : { InstanceId: i.id, PreviousState: state(i.state), CurrentState: state(i.state) },
          ),
        };
      },
    )
    .on<TerminateInstancesCommandInput, TerminateInstancesCommandOutput>(
      'ec2:TerminateInstances',
      (input, { world, region }) => ({
        TerminatingInstances: instancesById(world, region, input.InstanceIds).map((i) =>
          i.state === 'terminated'
            ? { InstanceId: i.id, PreviousState: state(i.state), CurrentState: state(i.state) }
            : transition(world, i, 'shutting-down', 'terminated', DURATIONS.ec2ShuttingDown),
        ),
      }),
    )
    .on<RunInstancesCommandInput, RunInstancesCommandOutput>(
      'ec2:RunInstances',
      (input, { world, region }) => {
        const lt = input.LaunchTemplate;
        const version = lt
          ? templateVersion(templateOf(world, region, lt.LaunchTemplateId, lt.LaunchTemplateName), lt.Version)
          : undefined;
        const imageId = input.ImageId ?? version?.imageId;
        if (!imageId)
          throw awsError('ec2', 'MissingParameter', 'The request must contain the parameter ImageId');
        if (!world.ec2.images.some((img) => img.id === imageId && img.region === region))
          throw awsError('ec2', 'InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
        const count = Math.max(input.MinCount ?? 1, Math.min(input.MaxCount ?? 1, 100));
        const tags = Object.fromEntries(
          (input.TagSpecifications ?? [])
            .filter((s) => s.ResourceType === 'instance' || !s.ResourceType)
            .flatMap((s) => (s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        );
        const now = world.time.now();
        const created = Array.from({ length: count }, (_, n) => {
          const i: Ec2Instance = {
            id: nextId(world, 'i-'),
            region,
            state: 'pending',
            type: input.InstanceType ?? version?.instanceType ?? 'm6i.large',
            imageId,
            launchTime: now,
            az: AZ(region, n),
            tags,
            privateIp: `10.1.${10 + (world.ec2.instances.size % 200)}.${10 + n}`,
          };
          world.ec2.instances.set(i.id, i);
          transition(world, i, 'pending', 'running', DURATIONS.ec2Pending);
          return i;
        });
        return {
          ReservationId: nextId(world, 'r-'),
          OwnerId: world.account,
          Instances: created.map((i) => instanceShape(i)),
        };
      },
    )
    .on<DescribeImagesCommandInput, DescribeImagesCommandOutput>(
      'ec2:DescribeImages',
      (input, { world, region }) => {
        const images = world.ec2.images.filter(
          (img) =>
            img.region === region &&
            (!input.ImageIds?.length || input.ImageIds.includes(img.id)) &&
            matchFilters(
              input.Filters,
              img.tags,
              (n) => ({ 'image-id': img.id, name: img.name, state: 'available' })[n],
            ),
        );
        for (const id of input.ImageIds ?? [])
          if (!images.some((img) => img.id === id))
            throw awsError('ec2', 'InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
        return {
          Images: images.map((img) => ({
            ImageId: img.id,
            Name: img.name,
            CreationDate: new Date(img.createdAt).toISOString(),
            State: 'available',
            OwnerId: world.account,
            Public: false,
            Architecture: 'x86_64',
            ImageType: 'machine',
            RootDeviceType: 'ebs',
            RootDeviceName: '/dev/xvda',
            VirtualizationType: 'hvm',
            Tags: tagList(img.tags),
            BlockDeviceMappings: img.snapshotIds.map((s) => ({
              DeviceName: '/dev/xvda',
              Ebs: {
                SnapshotId: s,
                VolumeSize: 50,
                Encrypted: true,
                VolumeType: 'gp3',
                DeleteOnTermination: true,
              },
            })),
          })),
        };
      },
    )
    .on<DescribeSnapshotsCommandInput, DescribeSnapshotsCommandOutput>(
      'ec2:DescribeSnapshots',
      (input, { world, region }) => ({
        Snapshots: world.ec2.snapshots
          .filter(
            (s) =>
              s.region === region &&
              (!input.SnapshotIds?.length || input.SnapshotIds.includes(s.id)) &&
              matchFilters(
                input.Filters,
                s.tags,
                (n) => ({ 'snapshot-id': s.id, status: 'completed', encrypted: String(s.encrypted) })[n],
              ),
          )
          .map((s) => ({
            SnapshotId: s.id,
            StartTime: new Date(s.startTime),
            CompletionTime: new Date(s.startTime + 600_000),
            State: 'completed',
            Progress: '100%',
            VolumeId: `vol-${s.id.slice(5)}`,
            VolumeSize: s.volumeSize,
            Encrypted: s.encrypted,
            OwnerId: world.account,
            Description: s.description,
            StorageTier: 'standard',
            Tags: tagList(s.tags),
          })),
      }),
    )
    .on<DescribeLaunchTemplatesCommandInput, DescribeLaunchTemplatesCommandOutput>(
      'ec2:DescribeLaunchTemplates',
      (input, { world, region }) => {
        const ids = input.LaunchTemplateIds ?? [];
        const names = input.LaunchTemplateNames ?? [];
        const found = world.ec2.launchTemplates.filter(
          (t) =>
            t.region === region &&
            (ids.length + names.length === 0 || ids.includes(t.id) || names.includes(t.name)),
        );
        for (const id of ids)
          if (!found.some((t) => t.id === id))
            throw awsError(
              'ec2',
              'InvalidLaunchTemplateId.NotFound',
              `The specified launch template, with template ID ${id}, does not exist.`,
            );
        return {
          LaunchTemplates: found.map((t) => ({
            LaunchTemplateId: t.id,
            LaunchTemplateName: t.name,
            CreateTime: new Date(t.createdAt),
            CreatedBy: `arn:aws:iam::${world.account}:role/lifeboat-admin`,
            DefaultVersionNumber: t.defaultVersion,
            LatestVersionNumber: Math.max(...t.versions.map((v) => v.number)),
          })),
        };
      },
    )
    .on<DescribeLaunchTemplateVersionsCommandInput, DescribeLaunchTemplateVersionsCommandOutput>(
      'ec2:DescribeLaunchTemplateVersions',
      (input, { world, region }) => {
        const t = templateOf(world, region, input.LaunchTemplateId, input.LaunchTemplateName);
        const versions = input.Versions?.length
          ? input.Versions.map((v) => templateVersion(t, v))
          : t.versions;
        return {
          LaunchTemplateVersions: versions.map((v) => ({
            LaunchTemplateId: t.id,
            LaunchTemplateName: t.name,
            VersionNumber: v.number,
            DefaultVersion: v.number === t.defaultVersion,
            CreateTime: new Date(v.createdAt),
            LaunchTemplateData: {
              ImageId: v.imageId,
              InstanceType: v.instanceType as Instance['InstanceType'],
            },
          })),
        };
      },
    )
    .on<CreateTagsCommandInput, CreateTagsCommandOutput>('ec2:CreateTags', (input, { world, region }) => {
      const add = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      for (const id of input.Resources ?? []) {
        const target =
          world.ec2.instances.get(id) ??
          world.ec2.images.find((x) => x.id === id) ??
          world.ec2.snapshots.find((x) => x.id === id);
        if (!target || target.region !== region)
          throw awsError('ec2', 'InvalidID', `The ID '${id}' is not valid`);
        Object.assign(target.tags, add);
      }
      return {};
    });
}
