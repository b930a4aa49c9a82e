import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  Filter,
  Instance,
  Tag,
} from '@aws-sdk/client-ec2';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import type { World } from './world.js';

export const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** EC2 filters: `tag:Key`, `tag-key`, and named attributes resolved by `attr`. */
export function matchFilters(
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

export function templateOf(w: World, region: string, id: string | undefined, name: string | undefined) {
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

export function templateVersion(t: ReturnType<typeof templateOf>, wanted: string | undefined) {
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

/** AMIs, EBS snapshots, launch templates and tags. */
export function registerEc2Images(registry: Registry): void {
  registry
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
              ...(v.subnetId ? { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: v.subnetId }] } : {}),
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
