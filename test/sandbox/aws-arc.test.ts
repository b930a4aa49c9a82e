import { readFileSync } from 'node:fs';
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterServiceException,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { examplePlan, simulatedCloud } from './aws-fixture.js';

const routing = () => {
  const r = examplePlan().services.payments?.resources.find((x) => x.kind === 'arc-routing-control');
  if (r?.kind !== 'arc-routing-control') throw new Error('the example plan has no arc-routing-control');
  return r;
};

/** Route 53 ARC routing control through the real SDK client (FIDELITY.md, "ARC"). */
describe('ARC routing control in the simulated cloud', () => {
  let env: Awaited<ReturnType<typeof simulatedCloud>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  const endpoint = (region: string) => {
    const e = routing().clusterEndpoints.find((x) => x.region === region);
    if (!e || !env) throw new Error(`no endpoint in ${region}`);
    return env.aws.arcCluster(e);
  };

  it('refuses, as a whole, a batch that breaks the "at least one On" assertion rule (ConflictException)', async () => {
    // Prepare
    env = await simulatedCloud();
    const r = routing();
    // Act
    const error = await endpoint('us-west-2')
      .send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: [
            { RoutingControlArn: r.primaryRoutingControlArn, RoutingControlState: 'Off' },
          ],
        }),
      )
      .catch((e: unknown) => e);
    const state = await endpoint('eu-west-1').send(
      new GetRoutingControlStateCommand({ RoutingControlArn: r.primaryRoutingControlArn }),
    );
    // Assert
    expect(error).toBeInstanceOf(Route53RecoveryClusterServiceException);
    expect(error).toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    expect(state.RoutingControlState).toBe('On');
  });

  it('sets both states in one batch on any endpoint, every endpoint then reads them, and Route 53 fails the record over', async () => {
    // Prepare
    env = await simulatedCloud();
    const r = routing();
    env.cloud.faults.regionOutage('us-east-1');
    // Act
    const offline = await endpoint('us-east-1')
      .send(new GetRoutingControlStateCommand({ RoutingControlArn: r.primaryRoutingControlArn }))
      .catch((e: Error) => e.name);
    await endpoint('us-west-2').send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: r.recoveryRoutingControlArn, RoutingControlState: 'On' },
          { RoutingControlArn: r.primaryRoutingControlArn, RoutingControlState: 'Off' },
        ],
      }),
    );
    const seen = await endpoint('ap-southeast-2').send(
      new GetRoutingControlStateCommand({ RoutingControlArn: r.primaryRoutingControlArn }),
    );
    env.clock.advance(60_000);
    // Assert
    expect(offline).toBe('ServiceUnavailable');
    expect(seen.RoutingControlState).toBe('Off');
    const records = env.cloud.snapshot().route53.records.filter((x) => x.zoneId === 'Z0PAYMENTSZONE');
    expect(records.find((x) => x.failover === 'SECONDARY')?.serving).toBe(true);
    expect(records.find((x) => x.failover === 'PRIMARY')?.serving).toBe(false);
  });

  it('names file, line and column of a bad routing control ARN in the plan', () => {
    // Prepare
    const text = readFileSync('dr-plan.example.yml', 'utf8').replace(
      'recoveryRoutingControlArn: arn:aws:route53-recovery-control::123456789012:controlpanel/',
      'recoveryRoutingControlArn: arn:aws:route53:::controlpanel/',
    );
    const line = text.split('\n').findIndex((l) => l.includes('recoveryRoutingControlArn')) + 1;
    // Act
    const error = (() => {
      try {
        parsePlan(text, 'plan.yml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    // Assert
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).problems[0]).toMatchObject({
      file: 'plan.yml',
      line,
      column: 36,
      path: 'services.payments.resources[7].recoveryRoutingControlArn',
    });
    expect((error as PlanError).problems[0]?.message).toContain('expected a routing control ARN');
  });
});
