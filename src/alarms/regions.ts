/**
 * CloudWatch alarm notifications name the Region by its long name ("US East (N. Virginia)"), not
 * its code. Every commercial Region, plus GovCloud and China. CloudWatch still writes the older
 * "EU (…)" names for European Regions; AWS's newer "Europe (…)" spelling and accent variants are
 * accepted too. The alarm ARN, when present, is the more reliable source (see `regionOf`).
 */
const REGIONS: readonly (readonly [code: string, ...names: string[]])[] = [
  ['us-east-1', 'US East (N. Virginia)'],
  ['us-east-2', 'US East (Ohio)'],
  ['us-west-1', 'US West (N. California)'],
  ['us-west-2', 'US West (Oregon)'],
  ['af-south-1', 'Africa (Cape Town)'],
  ['ap-east-1', 'Asia Pacific (Hong Kong)'],
  ['ap-east-2', 'Asia Pacific (Taipei)'],
  ['ap-south-1', 'Asia Pacific (Mumbai)'],
  ['ap-south-2', 'Asia Pacific (Hyderabad)'],
  ['ap-southeast-1', 'Asia Pacific (Singapore)'],
  ['ap-southeast-2', 'Asia Pacific (Sydney)'],
  ['ap-southeast-3', 'Asia Pacific (Jakarta)'],
  ['ap-southeast-4', 'Asia Pacific (Melbourne)'],
  ['ap-southeast-5', 'Asia Pacific (Malaysia)'],
  ['ap-southeast-6', 'Asia Pacific (New Zealand)'],
  ['ap-southeast-7', 'Asia Pacific (Thailand)'],
  ['ap-northeast-1', 'Asia Pacific (Tokyo)'],
  ['ap-northeast-2', 'Asia Pacific (Seoul)'],
  ['ap-northeast-3', 'Asia Pacific (Osaka)', 'Asia Pacific (Osaka-Local)'],
  ['ca-central-1', 'Canada (Central)'],
  ['ca-west-1', 'Canada West (Calgary)'],
  ['eu-central-1', 'EU (Frankfurt)', 'Europe (Frankfurt)'],
  ['eu-central-2', 'EU (Zurich)', 'Europe (Zurich)'],
  ['eu-west-1', 'EU (Ireland)', 'Europe (Ireland)'],
  ['eu-west-2', 'EU (London)', 'Europe (London)'],
  ['eu-west-3', 'EU (Paris)', 'Europe (Paris)'],
  ['eu-south-1', 'EU (Milan)', 'Europe (Milan)'],
  ['eu-south-2', 'EU (Spain)', 'Europe (Spain)'],
  ['eu-north-1', 'EU (Stockholm)', 'Europe (Stockholm)'],
  ['il-central-1', 'Israel (Tel Aviv)'],
  ['me-south-1', 'Middle East (Bahrain)'],
  ['me-central-1', 'Middle East (UAE)'],
  ['mx-central-1', 'Mexico (Central)'],
  ['sa-east-1', 'South America (Sao Paulo)', 'South America (São Paulo)'],
  ['us-gov-east-1', 'AWS GovCloud (US-East)'],
  ['us-gov-west-1', 'AWS GovCloud (US-West)', 'AWS GovCloud (US)'],
  ['cn-north-1', 'China (Beijing)'],
  ['cn-northwest-1', 'China (Ningxia)'],
];

const normalise = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

const BY_NAME: ReadonlyMap<string, string> = new Map(
  REGIONS.flatMap(([code, ...names]) => names.map((name) => [normalise(name), code] as const)),
);
const CODES: ReadonlySet<string> = new Set(REGIONS.map(([code]) => code));

/** The Region code for a long name as CloudWatch writes it (or a code given as is); undefined if unknown. */
export function regionCode(nameOrCode: string): string | undefined {
  const trimmed = nameOrCode.trim();
  if (CODES.has(trimmed)) return trimmed;
  return BY_NAME.get(normalise(trimmed));
}

/** The long name of a Region code, as CloudWatch writes it. */
export function regionName(code: string): string | undefined {
  return REGIONS.find(([c]) => c === code)?.[1];
}

/** Every Region code in the table. */
export const REGION_CODES: readonly string[] = REGIONS.map(([code]) => code);

/** Region from an ARN (`arn:partition:service:region:account:…`), if it names one. */
export function regionFromArn(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region && /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region) ? region : undefined;
}
