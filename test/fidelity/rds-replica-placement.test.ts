import { CreateDBInstanceReadReplicaCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { type CloudEnv, simulatedCloud } from './helpers.js';

const SOURCE = 'arn:aws:rds:us-west-2:123456789012:db:accounts-db-usw2';

/** Cross-Region CreateDBInstanceReadReplica of an encrypted source (FIDELITY.md, "RDS and Aurora"). */
describe('cross-Region read replica of an encrypted instance', () => {
  let env: CloudEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  async function promoted() {
    const cloud = await simulatedCloud();
    await cloud.west.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'accounts-db-usw2' }));
    cloud.clock.advance(60 * 60_000);
    return cloud;
  }

  it('needs a KMS key of the destination Region', async () => {
    env = await promoted();

    await expect(
      env.east.rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: 'accounts-back',
          SourceDBInstanceIdentifier: SOURCE,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await expect(
      env.east.rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: 'accounts-back',
          SourceDBInstanceIdentifier: SOURCE,
          KmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/mrk-accounts-usw2',
        }),
      ),
    ).rejects.toMatchObject({ name: 'KMSKeyNotAccessibleFault' });
  });

  it('lands in the named DB subnet group with the named security groups, encrypted with the named key', async () => {
    env = await promoted();

    const out = await env.east.rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'accounts-back',
        SourceDBInstanceIdentifier: SOURCE,
        KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/mrk-accounts-use1',
        DBSubnetGroupName: 'accounts-use1',
        VpcSecurityGroupIds: ['sg-0a1b2c3d4e5f60002'],
      }),
    );

    expect(out.DBInstance).toMatchObject({
      StorageEncrypted: true,
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/mrk-accounts-use1',
      DBSubnetGroup: { DBSubnetGroupName: 'accounts-use1' },
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0a1b2c3d4e5f60002', Status: 'active' }],
    });
  });
});
