import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchGet } from '../../src/probes/checks.js';
import { panelRoutes, sandboxProbeUrl } from '../../src/sandbox/panel.js';
import { simulatedCloud } from '../sandbox/aws-fixture.js';

describe("sandbox answers the example plan's probe URL from the simulated Region", () => {
  let sim: Awaited<ReturnType<typeof simulatedCloud>>;
  let server: Server;
  let base = '';
  beforeAll(async () => {
    sim = await simulatedCloud();
    const routes = panelRoutes(sim.cloud);
    server = createServer((req, res) => {
      void routes(req, res, new URL(req.url ?? '/', 'http://127.0.0.1')).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await sim.close();
  });

  it('answers 200 while us-east-1 is up and 503 during its outage', async () => {
    // Prepare
    const url = sandboxProbeUrl(base, 'https://us-east-1.api.payments.example.com/healthz');
    // Act
    const before = await fetchGet(url, { timeoutMs: 2_000 });
    sim.cloud.faults.regionOutage('us-east-1');
    const during = await fetchGet(url, { timeoutMs: 2_000 });
    // Assert
    expect(url).toBe(`${base}/_sandbox/health/us-east-1.api.payments.example.com/healthz`);
    expect([before.status, during.status]).toEqual([200, 503]);
  });
});
