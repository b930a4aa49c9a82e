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

const ARC_RESOURCE = / {6}- id: payments-routing #[^\n]*\n(?: {8}[^\n]*\n)+/;
const ARC_STEP =
  "        - id: flip-dns # routing controls on ARC's data plane: works while us-east-1 is impaired\n" +
  '          kind: arc-routing-control\n' +
  '          resource: payments-routing\n' +
  '          estimate: 1m\n';

const replaced = (text: string, from: string | RegExp, to: string): string => {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`route53DemoText: ${String(from)} is no longer in dr-plan.example.yml`);
  return out;
};

/**
 * The demo plan with DNS moved by Route 53 instead of ARC, as it was before the ARC step: no
 * arc-routing-control resource (so the record health checks are ordinary, not RECOVERY_CONTROL), a
 * `route53` flip-dns step (fail-health-check unless `action` says otherwise) and a verify-api step that
 * waits for the recovery health check.
 */
export const route53DemoText = (action?: 'fail-health-check' | 'update-record'): string => {
  const example = readFileSync('dr-plan.example.yml', 'utf8');
  const withoutArc = replaced(example, ARC_RESOURCE, '').replace(/ # type RECOVERY_CONTROL[^\n]*/g, '');
  return replaced(
    withoutArc,
    ARC_STEP,
    [
      '        - id: flip-dns',
      '          kind: route53',
      '          resource: payments-dns',
      ...(action ? [`          action: ${action}`] : []),
      '          estimate: 2m',
      '        - id: verify-api',
      '          kind: verify',
      '          healthCheckId: hc-payments-usw2',
      '          estimate: 1m',
      '',
    ].join('\n'),
  );
};

/** {@link route53DemoText}, parsed. */
export const route53DemoPlan = (action?: 'fail-health-check' | 'update-record'): Plan =>
  parsePlan(route53DemoText(action), 'dr-plan.route53.yml');
