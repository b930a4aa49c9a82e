import { readFileSync } from 'node:fs';
import { type Plan, parsePlan } from '../../src/plan/load.js';

/** The example plan with accounts' failover promotion accepting a standalone recovery instance. */
export const acceptingStandalonePlan = (): Plan =>
  parsePlan(
    readFileSync('dr-plan.example.yml', 'utf8').replace(
      '          resource: accounts-db\n          estimate: 10m\n',
      '          resource: accounts-db\n          estimate: 10m\n          acceptStandalone: true\n',
    ),
    'dr-plan.example.yml',
  );
