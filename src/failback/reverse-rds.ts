import type { DBInstance } from '@aws-sdk/client-rds';
import { sdk } from '../adapters/aws/sdk.js';
import type { ResourceOf } from '../plan/schema.js';
import type { ReverseCtx } from './reverse.js';
import type { ReverseItem, ServingRegion } from './types.js';

const regionOfArn = (arn: string | undefined) => arn?.split(':')[3];
const accountOfArn = (arn: string | undefined) => arn?.split(':')[4] || '<account>';

/** Statuses of an instance on its way out (renamed or deleted): its identifier is about to be free. */
const LEAVING = new Set(['deleting', 'renaming']);

/**
 * The replica back in the primary Region is promoted by the failback and is the writer afterwards. Lifeboat
 * may promote only the plan's `primaryInstance` there (its IAM policy is derived from the plan, infra/), which
 * also keeps the plan and the endpoint applications use right. A replica back made by hand under another
 * name needs the plan to name it first.
 */
export const renamedWriterNote = (r: ResourceOf<'rds-instance'>, id: string): string | undefined =>
  id === r.primaryInstance
    ? undefined
    : `Lifeboat may promote only ${r.primaryInstance} (the plan's primaryInstance; its IAM policy follows the plan), and after the failback ${id} would be the writer: set primaryInstance: ${id} for ${r.id} in the DR plan and deploy it (plan and policy together), then Re-check; after the failback point applications at ${id}'s endpoint.`;

/**
 * RDS cross-Region read replica: a new read replica of the promoted instance back in the primary Region.
 * It is created under the plan's `primaryInstance` identifier, so that after the failback the plan and the
 * endpoint applications use are right without an edit; while the old primary still holds that identifier,
 * creating it is blocked and the card says exactly how to free it.
 */
export async function rds(
  ctx: ReverseCtx,
  r: ResourceOf<'rds-instance'>,
): Promise<[ReverseItem, ServingRegion]> {
  const { primaryRegion, recoveryRegion } = ctx.service;
  const base = { resourceId: r.id, kind: r.kind };
  const describe = async (region: string, id: string): Promise<DBInstance | undefined> => {
    try {
      const out = await ctx.aws
        .forRegion(region)
        .rds.send(new (sdk.rds().DescribeDBInstancesCommand)({ DBInstanceIdentifier: id }), {
          abortSignal: ctx.signal(),
        });
      return out.DBInstances?.[0];
    } catch (error) {
      if (error instanceof Error && /NotFound/.test(error.name)) return undefined;
      throw error;
    }
  };
  const promoted = await describe(recoveryRegion, r.replicaInstance);
  if (!promoted)
    return [
      { ...base, status: 'unknown', text: `${r.replicaInstance} not found in ${recoveryRegion}` },
      'unknown',
    ];
  if (promoted.ReadReplicaSourceDBInstanceIdentifier)
    return [
      {
        ...base,
        status: 'ready',
        text: `${r.replicaInstance} is still a replica: ${r.id} serves from ${primaryRegion}`,
      },
      'primary',
    ];
  const back = (promoted.ReadReplicaDBInstanceIdentifiers ?? []).find(
    (id) => regionOfArn(id) === primaryRegion,
  );
  if (back) {
    const id = back.split(':').pop() ?? back;
    const note = renamedWriterNote(r, id);
    if (note)
      return [
        {
          ...base,
          status: 'blocked',
          text: `replica back ${id} in ${primaryRegion} is not named ${r.primaryInstance}, the plan's primaryInstance and the only instance there Lifeboat may promote`,
          byHand: note,
        },
        'recovery',
      ];
    const replica = await describe(primaryRegion, id);
    const status = replica?.DBInstanceStatus ?? 'unknown';
    return [
      {
        ...base,
        ...(status === 'available'
          ? { status: 'ready', text: `replica ${id} in ${primaryRegion} is available and replicating` }
          : { status: 'catching-up', text: `replica ${id} in ${primaryRegion} is ${status}` }),
      },
      'recovery',
    ];
  }
  // A promoted replica without a replica back also describes a service that failed back (its replica back
  // was promoted in the primary Region): the moves on record tell the two apart.
  if (ctx.last?.kind === 'failback')
    return [
      {
        ...base,
        status: 'ready',
        text: `${r.replicaInstance} is standalone and the last move on record is a failback: ${r.id} serves from ${primaryRegion}`,
        byHand: `To be able to fail over again, ${r.replicaInstance} must be a read replica of ${r.primaryInstance} again: rename or delete the standalone ${r.replicaInstance} in ${recoveryRegion} (after a final snapshot), then aws rds create-db-instance-read-replica --region ${recoveryRegion} --db-instance-identifier ${r.replicaInstance} --source-db-instance-identifier arn:aws:rds:${primaryRegion}:${accountOfArn(promoted.DBInstanceArn)}:db:${r.primaryInstance}`,
      },
      'primary',
    ];
  if (!promoted.BackupRetentionPeriod)
    return [
      {
        ...base,
        status: 'blocked',
        text: `${r.replicaInstance} has automated backups off; a read replica needs them (set a backup retention period first)`,
      },
      'recovery',
    ];
  const oldPrimary = await describe(primaryRegion, r.primaryInstance);
  if (oldPrimary) {
    const status = oldPrimary.DBInstanceStatus ?? 'unknown';
    if (LEAVING.has(status))
      return [
        {
          ...base,
          status: 'blocked',
          text: `the old ${r.primaryInstance} in ${primaryRegion} is ${status}: once its identifier is free, Re-check and Lifeboat offers the replica back under it`,
        },
        'recovery',
      ];
    return [
      {
        ...base,
        status: 'blocked',
        text: `the old primary ${r.primaryInstance} still exists in ${primaryRegion} (${status}), so the replica back cannot take its identifier`,
        byHand: `Free the identifier ${r.primaryInstance} in ${primaryRegion}, so that the replica back gets it and, after the failback, the plan and the endpoint applications use are right: rename the old instance (it keeps its data, which may hold writes that never reached ${r.replicaInstance}): aws rds modify-db-instance --region ${primaryRegion} --db-instance-identifier ${r.primaryInstance} --new-db-instance-identifier ${r.primaryInstance}-pre-failback --apply-immediately — or delete it after a final snapshot. Then Re-check.`,
      },
      'recovery',
    ];
  }
  // A cross-Region replica of an encrypted source needs a KMS key of the destination Region, and lands outside
  // any VPC without a DB subnet group (CreateDBInstanceReadReplica API reference): refuse to offer either.
  const missing = [
    ...(promoted.StorageEncrypted && !r.primaryKmsKeyId ? ['primaryKmsKeyId'] : []),
    ...(!r.primaryDbSubnetGroupName ? ['primaryDbSubnetGroupName'] : []),
  ];
  if (missing.length > 0)
    return [
      {
        ...base,
        status: 'blocked',
        text: `the replica back in ${primaryRegion} needs ${missing.join(' and ')} for ${r.id} in the DR plan`,
        byHand: `Set ${missing.join(', ')} (and primaryVpcSecurityGroupIds) for ${r.id} in the DR plan: a cross-Region replica of an encrypted instance needs a KMS key of ${primaryRegion}, and without a DB subnet group it is created outside the applications' VPC. Deploy the plan (it also grants Lifeboat the key), then Re-check.`,
      },
      'recovery',
    ];
  const input = {
    DBInstanceIdentifier: r.primaryInstance,
    SourceDBInstanceIdentifier: promoted.DBInstanceArn ?? r.replicaInstance,
    ...(r.primaryKmsKeyId ? { KmsKeyId: r.primaryKmsKeyId } : {}),
    DBSubnetGroupName: r.primaryDbSubnetGroupName,
    ...(r.primaryVpcSecurityGroupIds?.length
      ? { VpcSecurityGroupIds: [...r.primaryVpcSecurityGroupIds] }
      : {}),
  };
  return [
    {
      ...base,
      status: 'missing',
      text: `no read replica of ${r.replicaInstance} in ${primaryRegion}`,
      setup: {
        id: `rds-create-replica:${r.id}`,
        resourceId: r.id,
        kind: 'rds-create-replica',
        region: primaryRegion,
        description: `Create ${r.primaryInstance} in ${primaryRegion}, a cross-Region read replica of ${r.replicaInstance} under the plan's primaryInstance identifier (after the failback it is the writer, at the endpoint applications already use)`,
        client: 'rds',
        command: 'CreateDBInstanceReadReplica',
        input,
      },
    },
    'recovery',
  ];
}
