import { readFileSync } from 'node:fs';
import { type Plan, parsePlan } from '../../src/plan/load.js';

export const examplePlan = (): Plan =>
  parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');
