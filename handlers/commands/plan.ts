import { type Message, usageMessage } from '../../blocks/help.js';
import { planOverviewMessage, planServiceMessage } from '../../blocks/plan.js';
import type { Plan } from '../../src/plan/load.js';

/** `/dr plan [service]`: answered in the ack, it only reads the loaded plan. */
export function planCommand(plan: Plan, args: readonly string[]): Message {
  if (args.length === 0) return planOverviewMessage(plan);
  const [name, ...extra] = args;
  if (extra.length > 0 || name === undefined)
    return usageMessage('`/dr plan` takes at most one service name.');
  if (!Object.hasOwn(plan.services, name)) {
    return usageMessage(
      `Unknown service "${name}". Services in the plan: ${Object.keys(plan.services).join(', ')}.`,
    );
  }
  return planServiceMessage(plan, name);
}
