/** Region and last resource segment of an ARN such as arn:aws:rds:us-west-2:123456789012:cluster:payments-usw2. */
export function parseArn(arn: string): { region: string; resourceName: string } {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', resourceName: parts[parts.length - 1] ?? arn };
}

/** Engine major version: the first dotted number ("8.0.mysql_aurora.3.05.2" → "8", "15.4" → "15"). */
export function majorVersion(version: string): string {
  return version.split('.')[0] ?? version;
}
