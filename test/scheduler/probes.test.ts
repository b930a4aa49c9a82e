import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
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
    cloudwatch: () => new CloudWatchClient({ region: 'us-east-1' }),
    state: createMemoryStateStore<ProbeState>(),
    incidents,
    audit,
    logger: silentLogger(),
    now: () => clock.now(),
  };
  return { incidents, audit, run: () => runProbe(deps, 'payments', probe) };
}

const route53Mock = mockClient(Route53Client);
const cloudwatchMock = mockClient(CloudWatchClient);

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
    cloudwatchMock.reset();
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

  /** Route 53's own decision in the newest minute, as its HealthCheckStatus metric shows it. */
  const routed = (min: number, max: number) => {
    const at = [new Date(Date.now() - 60_000)];
    return {
      MetricDataResults: [
        { Id: 'minimum', Values: [min], Timestamps: at },
        { Id: 'maximum', Values: [max], Timestamps: at },
      ],
    };
  };

  it('opens an incident when Route 53 routes away from the primary (HealthCheckStatus 0)', async () => {
    // Prepare
    const { incidents, run } = setup();
    cloudwatchMock.on(GetMetricDataCommand).resolves(routed(0, 0));
    // Act
    for (let i = 0; i < 3; i++) await run();
    // Assert
    expect(cloudwatchMock).toHaveReceivedCommandWith(GetMetricDataCommand, {
      MetricDataQueries: expect.arrayContaining([
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/Route53',
              MetricName: 'HealthCheckStatus',
              Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-payments-use1' }],
            },
          }),
        }),
      ]),
    });
    expect(incidents.calls).toEqual([
      expect.objectContaining({
        kind: 'open',
        detail: 'Route 53 health check hc-payments-use1: Route 53 reports hc-payments-use1 unhealthy',
      }),
    ]);
  });

  it('judges by what Route 53 routes, not by per-checker strings: an inverted check is unhealthy though every checker reports Success', async () => {
    // Prepare: each checker still sees the endpoint up (GetHealthCheckStatus lists views before Inverted).
    const { incidents, run } = setup();
    route53Mock.on(GetHealthCheckStatusCommand).resolves(observations(8, 8));
    cloudwatchMock.on(GetMetricDataCommand).resolves(routed(0, 0));
    // Act
    for (let i = 0; i < 3; i++) await run();
    // Assert
    expect(incidents.calls.map((c) => c.kind)).toEqual(['open']);
    expect(route53Mock).not.toHaveReceivedCommand(GetHealthCheckStatusCommand);
  });

  it('does not open an incident while Route 53 reports the check healthy, even when most checkers fail (AWS: healthy above 18%)', async () => {
    // Prepare: 2 of 8 checkers (25%) healthy: Route 53 still calls it healthy and routes to the primary.
    const { incidents, run } = setup();
    route53Mock.on(GetHealthCheckStatusCommand).resolves(observations(2, 8));
    cloudwatchMock.on(GetMetricDataCommand).resolves(routed(1, 1));
    // Act
    for (let i = 0; i < 5; i++) await run();
    // Assert
    expect(incidents.calls).toEqual([]);
  });

  it('treats a status that flipped within the newest minute, or no datapoint, as inconclusive', async () => {
    // Prepare
    const { incidents, run } = setup();
    cloudwatchMock.on(GetMetricDataCommand).resolvesOnce(routed(0, 1)).resolves({ MetricDataResults: [] });
    // Act
    for (let i = 0; i < 5; i++) await run();
    // Assert
    expect(incidents.calls).toEqual([]);
  });

  it('treats an unreadable metric as inconclusive, not as an outage', async () => {
    // Prepare
    const { incidents, run } = setup();
    cloudwatchMock
      .on(GetMetricDataCommand)
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
