import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planServiceMessage } from '../../blocks/plan.js';
import { parsePlan } from '../../src/plan/load.js';
import { routeFor } from '../../src/runbook/stages.js';
import { validateBlocks } from '../../src/sandbox/slack/blockkit.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');

describe('/dr plan <service>: the failback runbook', () => {
  it('lists the failback steps the engine will run, in its order, never "the failover steps in reverse"', () => {
    const name = Object.keys(plan.services).find((n) => !plan.services[n]?.runbook.failback);
    if (!name) throw new Error('the example plan should have a service without runbook.failback');
    const message = planServiceMessage(plan, name);
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).not.toMatch(/reverse order/);
    expect(text).toContain('data, then compute, then traffic');
    const failbackPart = text.slice(text.indexOf('*Failback runbook*'));
    // Every step of the route the engine builds for a failback, numbered in the same order.
    const steps = routeFor(plan, name, 'failback').stages.flatMap((s) => s.steps.map((x) => x.id));
    expect(steps.length).toBeGreaterThan(0);
    let at = 0;
    for (const id of steps) {
      const found = failbackPart.indexOf(`\`${id}\``, at);
      expect(found, id).toBeGreaterThan(-1);
      at = found;
    }
  });
});
