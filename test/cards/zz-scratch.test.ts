import { readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { it } from 'vitest';
import { readinessMessage } from '../../handlers/commands/status.js';
import { parsePlan } from '../../src/plan/load.js';
import { startWorld } from '../approval/harness.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');
it('dump', async () => {
  const world = await startWorld(plan);
  const bot = await world.start(plan);
  const deps = { readiness: bot.readiness, getPlan: () => plan, logger: pino({ level: 'silent' }) };
  const all = await readinessMessage(deps, undefined);
  const one = await readinessMessage(deps, 'payments');
  writeFileSync('/tmp/cards/status.json', JSON.stringify({ all, one }, null, 1));
  await world.close();
}, 120_000);
