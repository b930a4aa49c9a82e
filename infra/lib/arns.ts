/**
 * ARN builders for the resources a DR plan names. Pure string functions: the IAM policy is
 * derived from the plan at synth time, so every ARN must be known without calling AWS.
 */

/** The AWS partition a Region belongs to (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Where one resource lives: account and the two Regions of its service. */
export interface Scope {
  readonly partition: string;
  readonly account: string;
  readonly primaryRegion: string;
  readonly recoveryRegion: string;
}

export const arn = {
  rds(s: Scope, region: string, type: string, name: string): string {
    return `arn:${s.partition}:rds:${region}:${s.account}:${type}:${name}`;
  },
  /** Aurora global clusters have no Region in their ARN. */
  globalCluster(s: Scope, id: string): string {
    return `arn:${s.partition}:rds::${s.account}:global-cluster:${id}`;
  },
  ec2(s: Scope, region: string, type: string, id: string): string {
    return `arn:${s.partition}:ec2:${region}:${s.account}:${type}/${id}`;
  },
  /** AMIs and EBS snapshots have no account in the ARN that IAM matches. */
  ec2Unowned(s: Scope, region: string, type: 'image' | 'snapshot', id: string): string {
    return `arn:${s.partition}:ec2:${region}::${type}/${id}`;
  },
  bucket(s: Scope, bucket: string): string {
    return `arn:${s.partition}:s3:::${bucket}`;
  },
  object(s: Scope, bucket: string, keyPattern: string): string {
    return `arn:${s.partition}:s3:::${bucket}/${keyPattern}`;
  },
  table(s: Scope, region: string, table: string): string {
    return `arn:${s.partition}:dynamodb:${region}:${s.account}:table/${table}`;
  },
  tableStreams(s: Scope, region: string, table: string): string {
    return `arn:${s.partition}:dynamodb:${region}:${s.account}:table/${table}/stream/*`;
  },
  /** Route 53 is global: no Region and no account in its ARNs. */
  route53(s: Scope, type: 'hostedzone' | 'healthcheck' | 'change', id: string): string {
    return `arn:${s.partition}:route53:::${type}/${id}`;
  },
};

/** The Region named in an ARN (`arn:partition:service:region:...`), or undefined. */
export function regionOfArn(value: string): string | undefined {
  const region = value.split(':')[3];
  return region ? region : undefined;
}

/**
 * Route 53's normalised record name for the ChangeResourceRecordSetsNormalizedRecordNames
 * condition key: lowercase, no trailing dot, characters outside a-z 0-9 - _ . as \ooo octal.
 */
export function normalizeRecordName(name: string): string {
  return [...name.toLowerCase().replace(/\.$/, '')]
    .map((ch) => (/[a-z0-9_.-]/.test(ch) ? ch : `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`))
    .join('');
}
