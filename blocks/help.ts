import type { KnownBlock } from '@slack/types';
import { escapeText } from './escape.js';

export const SUBCOMMANDS = [
  'status',
  'failover',
  'failback',
  'drill',
  'audit',
  'report',
  'plan',
  'help',
] as const;
export type SubcommandName = (typeof SUBCOMMANDS)[number];

const USAGE: Record<SubcommandName, { usage: string; what: string }> = {
  status: {
    usage: '/dr status [service]',
    what: 'measured readiness: replication lag, backups, standby capacity, RPO/RTO estimates',
  },
  failover: {
    usage: '/dr failover <service> [<service>…] [--dry-run]',
    what: 'request a failover to the recovery Region (needs a second approver)',
  },
  failback: { usage: '/dr failback <service>', what: 'return a failed-over service to its primary Region' },
  drill: { usage: '/dr drill <service>', what: 'prove recovery without disruption and measure RTO/RPO' },
  audit: {
    usage: '/dr audit export|verify [--since] [--until] [--service] [--format csv|json]',
    what: 'export or verify the tamper-evident audit log',
  },
  report: { usage: '/dr report [--period 30d] [--service name]', what: 'compliance report per service' },
  plan: { usage: '/dr plan [service]', what: 'show the DR plan Lifeboat is running with' },
  help: { usage: '/dr help', what: 'this message' },
};

export interface Message {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** `/dr help`: every subcommand, marking those this version does not offer yet. */
export function helpMessage(available: ReadonlySet<SubcommandName>): Message {
  const lines = SUBCOMMANDS.map((name) => {
    const { usage, what } = USAGE[name];
    const note = available.has(name) ? '' : ' _(not available in this version yet)_';
    return `\`${escapeText(usage)}\` — ${what}${note}`;
  });
  return {
    text: 'Lifeboat: disaster recovery from Slack. Commands: /dr status, failover, failback, drill, audit, report, plan, help.',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Lifeboat — disaster recovery from Slack' } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Failovers run only after a second, different, authorised person approves. Every action is audited.',
          },
        ],
      },
    ],
  };
}

/** The answer to input the router cannot parse: what was wrong and what would work. */
export function usageMessage(problem: string): Message {
  const usage = SUBCOMMANDS.map((name) => `\`${escapeText(USAGE[name].usage)}\``).join('\n');
  return {
    text: `${escapeText(problem)} Try /dr help.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:warning: ${escapeText(problem)}` } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Usage*\n${usage}` } },
    ],
  };
}

export function notAvailableMessage(name: SubcommandName): Message {
  return {
    text: `/dr ${name} is not available in this version of Lifeboat yet.`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `\`/dr ${name}\` is not available in this version of Lifeboat yet. Nothing was done. See \`/dr help\` for what works today.`,
        },
      },
    ],
  };
}
