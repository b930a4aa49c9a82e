import type {
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  _InstanceType as InstanceType,
} from '@aws-sdk/client-ec2';
import type {
  GetServiceQuotaCommandInput,
  GetServiceQuotaCommandOutput,
} from '@aws-sdk/client-service-quotas';
import { awsError } from './errors.js';
import type { Registry } from './registry.js';
import type { World } from './world.js';

/** "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", in vCPUs (Service Quotas, ec2). */
export const STANDARD_VCPU_QUOTA = 'L-1216C47A';
/** The seeded applied value in every Region (scenarios.vcpuQuota changes it). */
export const DEFAULT_VCPU_QUOTA = 64;

/** Default vCPUs of the instance types the sandbox knows (Amazon EC2 instance types specifications). */
export const INSTANCE_VCPUS: Readonly<Record<string, number>> = {
  'm1.small': 1,
  't3.micro': 2,
  't3.small': 2,
  't3.medium': 2,
  'm5.large': 2,
  'm6i.large': 2,
  'm6i.xlarge': 4,
  'm6i.2xlarge': 8,
  'c6i.large': 2,
  'c6i.xlarge': 4,
  'r6i.large': 2,
};

/** Instance families the standard On-Demand vCPU quota counts. */
export const isStandard = (type: string) => /^[acdhimrtz]/.test(type);

/** vCPUs of running and pending standard On-Demand instances in the Region (what the quota is measured on). */
export function vcpusInUse(w: World, region: string): number {
  return [...w.ec2.instances.values()]
    .filter((i) => i.region === region && (i.state === 'running' || i.state === 'pending'))
    .filter((i) => isStandard(i.type))
    .reduce((sum, i) => sum + (INSTANCE_VCPUS[i.type] ?? 2), 0);
}

export const vcpuQuota = (w: World, region: string) => w.ec2.vcpuQuota.get(region) ?? DEFAULT_VCPU_QUOTA;

export function registerServiceQuotas(registry: Registry): void {
  registry
    .on<GetServiceQuotaCommandInput, GetServiceQuotaCommandOutput>(
      'servicequotas:GetServiceQuota',
      (input, { world, region }) => {
        if (input.ServiceCode !== 'ec2' || input.QuotaCode !== STANDARD_VCPU_QUOTA)
          throw awsError(
            'servicequotas',
            'NoSuchResourceException',
            `The request failed because the specified quota ${input.ServiceCode}/${input.QuotaCode} does not exist.`,
          );
        return {
          Quota: {
            ServiceCode: 'ec2',
            ServiceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
            QuotaCode: STANDARD_VCPU_QUOTA,
            QuotaArn: `arn:aws:servicequotas:${region}:${world.account}:ec2/${STANDARD_VCPU_QUOTA}`,
            QuotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
            Value: vcpuQuota(world, region),
            Unit: 'None',
            Adjustable: true,
            GlobalQuota: false,
          },
        };
      },
    )
    .on<DescribeInstanceTypesCommandInput, DescribeInstanceTypesCommandOutput>(
      'ec2:DescribeInstanceTypes',
      (input) => {
        const types = input.InstanceTypes ?? (Object.keys(INSTANCE_VCPUS) as InstanceType[]);
        for (const t of types)
          if (INSTANCE_VCPUS[t] === undefined)
            throw awsError(
              'ec2',
              'InvalidInstanceType',
              `The following supplied instance types do not exist: [${t}]`,
            );
        return {
          InstanceTypes: types.map((t) => ({
            InstanceType: t,
            CurrentGeneration: t !== 'm1.small',
            VCpuInfo: { DefaultVCpus: INSTANCE_VCPUS[t] },
          })),
        };
      },
    );
}
