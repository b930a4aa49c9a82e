import type { LambdaFunctionModel } from './lambda-state.js';
import { resolveInstanceRef } from './rds-shapes.js';
import { type CapacityReservation, emitChange, rkey, type World } from './world.js';

/**
 * Account states a real AWS account can be in that the seeded world is not: set up through this API (the
 * sandbox's fault panel and tests) rather than faults, because nothing heals them. Each one is a state
 * AWS's own APIs would describe; what the model does with it is in FIDELITY.md.
 */
export interface Scenarios {
  /** The DB cluster (ARN, or id in `region`) runs another engine version, e.g. after a minor upgrade of one side. */
  engineVersion(cluster: string, version: string, region?: string): void;
  /**
   * The DB instance or cluster (id) is backed up by AWS Backup instead of RDS: its seeded snapshots become
   * AWS Backup recovery points (SnapshotType awsbackup, ids `awsbackup:job-…`) in every Region.
   */
  backedUpByAwsBackup(sourceId: string): void;
  /** The Region's default VPC was deleted (or never existed): RunInstances naming no subnet fails there. */
  noDefaultVpc(region?: string): void;
  /**
   * The instance's EBS volumes are encrypted with this customer-managed KMS key, which the caller may not use
   * (its key policy or IAM policy lacks the EBS grants): starting it goes pending, then stopped with
   * StateReason Client.InternalError.
   */
  unusableVolumeKey(instanceId: string, keyArn: string): void;
  /** An On-Demand Capacity Reservation the account holds (or held: expired, cancelled). */
  capacityReservation(reservation: CapacityReservation): void;
  /** The applied standard On-Demand vCPU quota (L-1216C47A) of the Region, in vCPUs. */
  vcpuQuota(vcpus: number, region?: string): void;
  /** The subnet lives in this Availability Zone (e.g. `us-west-2b`): launches into it are placed there. */
  subnet(subnetId: string, availabilityZone: string): void;
  /**
   * EC2 has no On-Demand capacity of this instance type in this Availability Zone (`available: false`), or has
   * again (`true`): RunInstances placed there fails with InsufficientInstanceCapacity.
   */
  instanceCapacity(availabilityZone: string, instanceType: string, available: boolean): void;
  /**
   * EC2 has no On-Demand capacity for the instance type (all types when none is named) in the Region, or has
   * it again (`available: true`): Auto Scaling launches there fail with InsufficientInstanceCapacity's message.
   */
  capacityShortage(region: string, instanceType?: string, available?: boolean): void;
  /** The ECR repository of the Region has none of its images (never replicated there, or deleted). */
  ecrImagesMissing(region: string, repository: string): void;
  /**
   * A Lambda function's state (Pending, Inactive, Failed), last update status, configured timeout (s), reserved
   * concurrency (0 throttles every invocation), or what its code does when it runs: `error` throws (FunctionError
   * Unhandled), `timeout` runs past its configured timeout, `ok` answers.
   */
  lambdaFunction(region: string, name: string, change: LambdaChange): void;
}

export type LambdaChange = Partial<
  Pick<
    LambdaFunctionModel,
    'state' | 'lastUpdateStatus' | 'timeoutS' | 'runMs' | 'behaviour' | 'reservedConcurrency'
  >
>;

export function createScenarios(w: World, onChange: () => void): Scenarios {
  return {
    engineVersion(cluster, version, region = w.recoveryRegion) {
      const ref = resolveInstanceRef(region, cluster);
      const found = w.rds.clusters.get(rkey(ref.region, ref.id));
      if (!found) throw new Error(`no DB cluster ${cluster}`);
      found.engineVersion = version;
      for (const i of w.rds.instances.values())
        if (i.region === found.region && i.clusterId === found.id) i.engineVersion = version;
      // The global cluster reports its primary's version (DescribeGlobalClusters EngineVersion).
      const global = found.globalClusterId ? w.rds.globals.get(found.globalClusterId) : undefined;
      if (global?.members.some((m) => m.isWriter && m.clusterArn === found.arn))
        global.engineVersion = version;
      emitChange(w, 'rds-cluster', found.id, { region: found.region, engineVersion: version });
      onChange();
    },
    backedUpByAwsBackup(sourceId) {
      for (const snap of w.rds.snapshots) {
        if (snap.sourceId !== sourceId) continue;
        snap.type = 'awsbackup';
        snap.id = `awsbackup:job-${snap.id
          .replace(/[^a-z0-9]/gi, '')
          .slice(-24)
          .toLowerCase()}`;
      }
      onChange();
    },
    unusableVolumeKey(instanceId, keyArn) {
      const found = w.ec2.instances.get(instanceId);
      if (!found) throw new Error(`no EC2 instance ${instanceId}`);
      found.volumeKmsKeyId = keyArn;
      w.ec2.deniedVolumeKeys.add(keyArn);
      onChange();
    },
    capacityReservation(reservation) {
      w.ec2.capacityReservations = [
        ...w.ec2.capacityReservations.filter((c) => c.id !== reservation.id),
        { ...reservation },
      ];
      onChange();
    },
    vcpuQuota(vcpus, region = w.recoveryRegion) {
      w.ec2.vcpuQuota.set(region, vcpus);
      onChange();
    },
    subnet(subnetId, availabilityZone) {
      w.ec2.subnetAz.set(subnetId, availabilityZone);
      onChange();
    },
    instanceCapacity(availabilityZone, instanceType, available) {
      const key = `${availabilityZone}|${instanceType}`;
      if (available) w.ec2.noCapacity.delete(key);
      else w.ec2.noCapacity.add(key);
      onChange();
    },
    capacityShortage(region, instanceType, available = false) {
      const key = instanceType ? `${region}/${instanceType}` : region;
      if (available) w.autoscaling.shortages.delete(key);
      else w.autoscaling.shortages.add(key);
      onChange();
    },
    ecrImagesMissing(region, repository) {
      const repo = w.ecs.repositories.get(rkey(region, repository));
      if (!repo) throw new Error(`no ECR repository ${repository} in ${region}`);
      repo.images = [];
      onChange();
    },
    lambdaFunction(region, name, change) {
      const fn = w.lambda.functions.get(rkey(region, name));
      if (!fn) throw new Error(`no Lambda function ${name} in ${region}`);
      Object.assign(fn, change);
      emitChange(w, 'lambda-function', name, { region, ...change });
      onChange();
    },
    noDefaultVpc(region = w.recoveryRegion) {
      w.ec2.noDefaultVpc.add(region);
      onChange();
    },
  };
}
