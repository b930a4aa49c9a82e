import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Clock, manualClock } from '../../src/domain/clock.js';
import type { Plan } from '../../src/plan/load.js';
import { fetchGet } from '../../src/probes/checks.js';
import { runProbe } from '../../src/probes/runner.js';
import type { ProbeIncidents, ProbeState } from '../../src/probes/types.js';
import { postingProbeIncidents } from '../../src/scheduler/index.js';
import { createMemoryStateStore } from '../../src/scheduler/state.js';
import { entries, memoryAudit, recordingPoster, schedulerPlan, silentLogger } from './helpers.js';

function recordingIncidents(): ProbeIncidents & {
  calls: { kind: string; dedupeKey: string; detail: string }[];
} {
  const calls: { kind: string; dedupeKey: string; detail: string }[] = [];
  return {
    calls,
    async openProbeIncident(input) {
      calls.push({ kind: 'open', dedupeKey: input.dedupeKey, detail: input.detail });
      return { incidentId: 'inc-1' };
    },
    async resolveProbeIncident(input) {
      calls.push({ kind: 'resolve', dedupeKey: input.dedupeKey, detail: input.detail });
    },
  };
}

/** runProbe's dependencies for the payments probe `probeId`: in-memory state, recorded incidents and audit. */
function probeSetup(plan: Plan, probeId: string, clock: Clock) {
  const incidents = recordingIncidents();
  const audit = memoryAudit(clock);
  const probe = plan.services.payments?.probes.find((p) => p.id === probeId);
  if (!probe) throw new Error(`plan has no ${probeId} probe`);
  const deps = {
    getPlan: () => plan,
    http: fetchGet,
    route53: () => new Route53Client({ region: 'us-east-1' }),
    state: createMemoryStateStore<ProbeState>(),
    incidents,
    audit,
    logger: silentLogger(),
    now: () => clock.now(),
  };
  return { incidents, audit, run: () => runProbe(deps, 'payments', probe) };
}

const route53Mock = mockClient(Route53Client);

describe('outside-in HTTP probe', () => {
  let server: Server;
  let status = 200;
  let plan: Plan;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    plan = schedulerPlan({ probeUrl: `http://127.0.0.1:${port}/healthz` });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function setup() {
    const clock = manualClock(Date.UTC(2026, 2, 27, 10, 0, 0));
    const { incidents, audit, run } = probeSetup(plan, 'api', clock);
    const later = async () => {
      clock.advance(30_000);
      return run();
    };
    return { incidents, audit, run: later };
  }

  it('opens one incident after three consecutive failures and resolves it on recovery', async () => {
    // Prepare
    const { incidents, audit, run } = setup();
    status = 200;
    await run();
    status = 503;
    // Act
    for (let i = 0; i < 6; i++) await run();
    status = 200;
    await run();
    await run();
    // Assert
    expect(incidents.calls.map((c) => c.kind)).toEqual(['open', 'resolve']);
    expect(incidents.calls[0]?.detail).toMatch(
      /^HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/healthz \(expected 200\)$/,
    );
    expect(incidents.calls[0]?.dedupeKey).toBe(incidents.calls[1]?.dedupeKey);
    expect((await entries(audit)).map((e) => e.type)).toEqual(['probe.failed', 'probe.recovered']);
  });

  it('does not open an incident for failures that are not consecutive', async () => {
    // Prepare
    const { incidents, run } = setup();
    // Act
    for (const s of [503, 503, 200, 503, 503, 200]) {
      status = s;
      await run();
    }
    // Assert
    expect(incidents.calls).toEqual([]);
  });

  it('counts an unreachable endpoint as a failure', async () => {
    // Prepare
    const unreachable = schedulerPlan({ probeUrl: 'http://127.0.0.1:9/healthz' });
    const { incidents, run } = probeSetup(unreachable, 'api', manualClock());
    // Act
    for (let i = 0; i < 3; i++) await run();
    // Assert
    expect(incidents.calls.map((c) => c.kind)).toEqual(['open']);
    expect(incidents.calls[0]?.detail).toContain('unreachable');
  });
});

describe('Route 53 health check probe', () => {
  beforeEach(() => {
    route53Mock.reset();
  });

  const setup = () => probeSetup(schedulerPlan(), 'dns', manualClock());

  const observations = (healthy: number, of: number) => ({
    HealthCheckObservations: Array.from({ length: of }, (_, i) => ({
      Region: 'us-east-1' as const,
      StatusReport: {
        Status: i < healthy ? 'Success: HTTP Status Code 200' : 'Failure: Connection timed out',
      },
    })),
  });

  it('opens an incident when most checkers see the primary endpoint fail', async () => {
    // Prepare
    const { incidents, run } = setup();
    route53Mock.on(GetHealthCheckStatusCommand).resolves(observations(2, 8));
    // Act
    for (let i = 0; i < 3; i++) await run();
    // Assert
    expect(route53Mock).toHaveReceivedCommandWith(GetHealthCheckStatusCommand, {
      HealthCheckId: 'hc-payments-use1',
    });
    expect(incidents.calls).toEqual([
      expect.objectContaining({
        kind: 'open',
        detail: 'Route 53 health check hc-payments-use1: 2 of 8 checkers healthy',
      }),
    ]);
  });

  it('treats a failing Route 53 API as inconclusive, not as an outage', async () => {
    // Prepare
    const { incidents, run } = setup();
    route53Mock
      .on(GetHealthCheckStatusCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    // Act
    for (let i = 0; i < 5; i++) await run();
    // Assert
    expect(incidents.calls).toEqual([]);
  });
});

describe('probe incidents without the alarm module', () => {
  it("posts a labelled message to the service's channel on open and on resolve", async () => {
    // Prepare
    const post = recordingPoster();
    const plan = schedulerPlan();
    const incidents = postingProbeIncidents(() => plan, post);
    const ref = { service: 'payments', probeId: 'api', target: 'https://x.example/healthz', dedupeKey: 'k' };
    // Act
    await incidents.openProbeIncident({
      ...ref,
      failures: 3,
      detail: 'HTTP 503 <b>',
      firstFailedAtMs: 0,
      atMs: 1,
    });
    await incidents.resolveProbeIncident({ ...ref, detail: 'HTTP 200', atMs: 2 });
    // Assert
    expect(post.posts.map((p) => p.channel)).toEqual(['C0PAYMENTS', 'C0PAYMENTS']);
    const json = JSON.stringify(post.posts[0]?.blocks);
    expect(json).toContain('Detected by outside-in probe');
    expect(json).toContain('HTTP 503 &lt;b&gt;');
  });
});
