import type { Resource } from '../../../src/plan/schema.js';
import type { Scope } from '../arns.js';
import type { PolicyStatementSpec } from '../policy-spec.js';
import { pascal } from '../policy-spec.js';

/** The customer-managed KMS keys a resource's recovery uses, as the plan names them. */
export function kmsKeysOf(resource: Resource): string[] {
  switch (resource.kind) {
    case 'ec2':
      return [...resource.volumeKmsKeyArns];
    case 'rds-instance':
      return resource.primaryKmsKeyId ? [resource.primaryKmsKeyId] : [];
    default:
      return [];
  }
}

/**
 * KMS permissions on the keys the plan names, for the AWS services that use them on Lifeboat's behalf: starting
 * or launching instances with encrypted EBS volumes needs kms:CreateGrant, Decrypt, DescribeKey,
 * GenerateDataKeyWithoutPlaintext and ReEncrypt (From, To) for the caller (EBS User Guide, "Required KMS key policy for
 * use with encrypted volumes"); without them the instance goes pending, then stopped (Client.InternalError).
 * An encrypted cross-Region read replica uses its destination key the same way. Each use is bound to EC2 or RDS
 * in the key's Region (kms:ViaService), and grants only to AWS resources (kms:GrantIsForAWSResource).
 */
export function kmsStatements(service: string, resource: Resource, scope: Scope): PolicyStatementSpec[] {
  const keys = kmsKeysOf(resource);
  if (keys.length === 0) return [];
  const via = [...new Set(keys.map((k) => k.split(':')[3] ?? scope.recoveryRegion))].flatMap((region) => [
    `ec2.${region}.amazonaws.com`,
    `rds.${region}.amazonaws.com`,
  ]);
  const id = `${pascal(service)}${pascal(resource.id)}`;
  return [
    {
      sid: `KmsUse${id}`,
      actions: [
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
      ],
      resources: keys,
      conditions: { StringEquals: { 'kms:ViaService': via } },
    },
    {
      sid: `KmsGrant${id}`,
      actions: ['kms:CreateGrant'],
      resources: keys,
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
  ];
}
