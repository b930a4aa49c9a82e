import type { KnownBlock, SectionBlock } from '@slack/types';
import type { Plan } from '../src/plan/load.js';
import type { Resource, RunbookEntry, Service, Step } from '../src/plan/schema.js';
import { formatDuration } from '../src/readiness/format.js';
import { defaultFailback, failbackOrderText } from '../src/runbook/stages.js';
import { escapeText, truncate } from './escape.js';
import type { Message } from './help.js';

const SECTION_TEXT_MAX = 3000;
const MESSAGE_BLOCKS_MAX = 50;

/** One line naming what a resource is, in the words of its kind. */
export function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'aurora-global-cluster':
      return `Aurora global cluster \`${r.globalClusterIdentifier}\``;
    case 'rds-instance':
      return `RDS \`${r.primaryInstance}\` → replica \`${r.replicaInstance}\``;
    case 'ec2':
      return `EC2 ${r.standbyInstances.length > 0 ? `${r.standbyInstances.length} standby instance(s)` : `launch template \`${r.launchTemplate?.id}\``}, capacity ${r.desiredCapacity}`;
    case 's3-bucket':
      return `S3 \`${r.sourceBucket}\` → \`${r.destinationBucket}\`${r.canary?.enabled ? ' (canary)' : ''}`;
    case 'dynamodb-global-table':
      return `DynamoDB global table \`${r.tableName}\`${r.canary?.enabled ? ' (canary)' : ''}`;
    case 'route53':
      return `Route 53 \`${r.recordName}\` (${r.recordType}, health check \`${r.primaryHealthCheckId}\`)`;
    case 'arc-routing-control':
      return `ARC routing controls on cluster \`${r.clusterArn.split('/').at(-1)}\` (${r.clusterEndpoints.length} Regional endpoints)`;
    case 'ecs-service':
      return `ECS service \`${escapeText(r.serviceName)}\` in clusters \`${escapeText(r.primaryCluster)}\` → \`${escapeText(r.recoveryCluster)}\`, target ${r.capacity.desired ?? `${r.capacity.percent}%`}`;
    case 'lambda-function':
      return `Lambda ${[r.recoveryFunction ? `\`${escapeText(r.recoveryFunction)}\` (recovery)` : '', r.primaryFunction ? `\`${escapeText(r.primaryFunction)}\` (primary)` : ''].filter(Boolean).join(', ')}`;
    case 'elasticache-global-datastore':
      return `ElastiCache global datastore \`${escapeText(r.globalReplicationGroupId)}\` (\`${escapeText(r.primaryReplicationGroupId)}\` → \`${escapeText(r.recoveryReplicationGroupId)}\`)`;
    case 'docdb-global-cluster':
      return `DocumentDB global cluster \`${escapeText(r.globalClusterIdentifier)}\``;
    case 'autoscaling-group':
      return `Auto Scaling group \`${escapeText(r.primaryGroupName)}\` → \`${escapeText(r.recoveryGroupName)}\`, target ${r.capacity.desired ?? `${r.capacity.percent}%`}`;
  }
}

function describeStep(s: Step, fallbackEstimate: number): string {
  const target = 'resource' in s ? ` → \`${s.resource}\`` : '';
  const extra =
    'action' in s
      ? ` (${s.action})`
      : s.kind === 'wait'
        ? ` ${formatDuration(s.duration)}`
        : s.kind === 'rds-promote-replica' && s.acceptStandalone
          ? ' (acceptStandalone: a standalone recovery instance is served as it is, stale)'
          : '';
  return `\`${s.id}\` ${s.kind}${extra}${target}, ~${formatDuration(s.estimate ?? fallbackEstimate)}`;
}

export function describeRunbook(entries: readonly RunbookEntry[], fallbackEstimate: number): string[] {
  return entries.map((entry, i) =>
    'parallel' in entry
      ? `${i + 1}. in parallel: ${entry.parallel.map((s) => describeStep(s, fallbackEstimate)).join(' · ')}`
      : `${i + 1}. ${describeStep(entry, fallbackEstimate)}`,
  );
}

function approversText(service: Service): string {
  const users = service.approvers.users.map((u) => `<@${u}>`);
  const groups = service.approvers.usergroups.map((g) => `<!subteam^${g}>`);
  return [...users, ...groups].join(', ');
}

/** Splits lines into section blocks that each stay under Slack's 3,000-character text limit. */
export function sectionsFromLines(lines: readonly string[], maxBlocks: number): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, SECTION_TEXT_MAX);
    if (current && current.length + line.length + 1 > SECTION_TEXT_MAX) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  if (blocks.length > maxBlocks) {
    const kept = blocks.slice(0, Math.max(0, maxBlocks - 1));
    kept.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `_…and more (${lines.length} lines in all); see the plan file._` },
    });
    return kept;
  }
  return blocks;
}

function footer(plan: Plan): KnownBlock {
  return {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `Plan \`${escapeText(plan.source)}\` · hash \`${plan.hash.slice(0, 12)}\`` },
    ],
  };
}

/** `/dr plan`: every service with its Regions, targets and size. */
export function planOverviewMessage(plan: Plan): Message {
  const names = Object.keys(plan.services);
  const lines = names.map((name) => {
    const s = plan.services[name] as Service;
    const steps = s.runbook.failover.reduce((n, e) => n + ('parallel' in e ? e.parallel.length : 1), 0);
    return `*${escapeText(name)}* — ${s.primaryRegion} → ${s.recoveryRegion} · RPO ${formatDuration(s.rpo)} · RTO ${formatDuration(s.rto)} · ${s.resources.length} resource(s), ${steps} failover step(s) · <#${s.channel}>`;
  });
  return {
    text: `DR plan: ${names.length} service(s): ${names.join(', ')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'DR plan' } },
      ...sectionsFromLines(lines, MESSAGE_BLOCKS_MAX - 3),
      footer(plan),
    ],
  };
}

/** `/dr plan <service>`: resources, alarm routing, approvers and the ordered runbook. */
export function planServiceMessage(plan: Plan, name: string): Message {
  const s = plan.services[name];
  if (!s) throw new Error(`unknown service ${name}`);
  const approvals = s.approvalsRequired ?? plan.defaults.approvalsRequired;
  const header: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`DR plan: ${name}`, 150) } },
    {
      type: 'section',
      ...(s.description ? { text: { type: 'mrkdwn', text: escapeText(truncate(s.description, 2000)) } } : {}),
      fields: [
        { type: 'mrkdwn', text: `*Primary*\n${s.primaryRegion}` },
        { type: 'mrkdwn', text: `*Recovery*\n${s.recoveryRegion}` },
        { type: 'mrkdwn', text: `*RPO target*\n${formatDuration(s.rpo)}` },
        { type: 'mrkdwn', text: `*RTO target*\n${formatDuration(s.rto)}` },
        { type: 'mrkdwn', text: `*Channel*\n<#${s.channel}>` },
        { type: 'mrkdwn', text: `*Approvals needed*\n${approvals} besides the requester` },
      ],
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Approvers*: ${approversText(s)}`, SECTION_TEXT_MAX) },
    },
  ];
  const resources = s.resources.map((r) => `• \`${r.id}\` ${describeResource(r)}`);
  const alarms = s.alarms.map((a) => {
    const match =
      a.name !== undefined
        ? `name \`${escapeText(a.name)}\``
        : a.arn !== undefined
          ? `ARN \`${escapeText(a.arn)}\``
          : `pattern \`${escapeText(a.pattern ?? '')}\``;
    return `• ${match}${a.autoRequestFailover ? ' — raises a failover request automatically' : ''}`;
  });
  const failover = describeRunbook(s.runbook.failover, plan.defaults.stepEstimate);
  // Without `runbook.failback`, the steps the engine will run: derived from the failover's by `defaultFailback`.
  const failback = s.runbook.failback
    ? describeRunbook(s.runbook.failback, plan.defaults.stepEstimate)
    : [
        `_Not written in the plan: derived from the failover steps, ${failbackOrderText()}, then health checks and notice:_`,
        ...describeRunbook(defaultFailback({ ...s, name }), plan.defaults.stepEstimate),
      ];
  const lines = [
    '*Resources*',
    ...resources,
    '*Alarms routed here*',
    ...(alarms.length > 0 ? alarms : ['_None: alarms for this service go to the unrouted channel._']),
    '*Failover runbook*',
    ...failover,
    '*Failback runbook*',
    ...failback,
  ];
  return {
    text: `DR plan for ${name}: ${s.primaryRegion} → ${s.recoveryRegion}, RPO ${formatDuration(s.rpo)}, RTO ${formatDuration(s.rto)}`,
    blocks: [
      ...header,
      { type: 'divider' },
      ...sectionsFromLines(lines, MESSAGE_BLOCKS_MAX - header.length - 2),
      footer(plan),
    ],
  };
}
