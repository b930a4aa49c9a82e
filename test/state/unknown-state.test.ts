import { readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMessage } from '../../blocks/digest/digest.js';
import { serviceStatusMessage } from '../../blocks/readiness/service.js';
import { readinessHomeView } from '../../blocks/readiness/summary.js';
import { createDocumentClient } from '../../src/adapters/store/dynamo.js';
import type { Lifeboat } from '../../src/main.js';
import { parsePlan } from '../../src/plan/load.js';
import { startWorld, type World } from '../approval/harness.js';

const plan = parsePlan(readFileSync('dr-plan.example.yml', 'utf8'), 'dr-plan.example.yml');

/** Words that would claim where the service runs or which way it is measured. */
const DIRECTION_CLAIMS = /Running in|Failing over to|Failing back to|to fail back|failback us-west-2/;

/**
 * "A missing or unreadable state item is reported as 'state unknown' with the reason; Lifeboat never guesses
 * a direction" (issue #14), in every view: /dr status, the App Home tab, the daily digest, and failover and
 * failback requests. The item is corrupted behind the bot's back, as a bad write or a hand edit would.
 */
describe('an unreadable operating state in every view (simulated cloud, embedded DynamoDB)', () => {
  let world: World;
  let bot: Lifeboat;

  beforeAll(async () => {
    world = await startWorld(plan);
    bot = await world.start(plan);
    const documents = createDocumentClient({ endpoint: world.dynamoEndpoint, region: 'us-east-1' });
    await documents.send(
      new PutCommand({
        TableName: 'lifeboat',
        Item: {
          pk: 'SERVICESTATE#payments',
          sk: 'STATE',
          service: 'payments',
          phase: 'running-sideways',
          primaryRegion: 'us-east-1',
          recoveryRegion: 'us-west-2',
          sinceMs: 1,
          resources: {},
          source: 'runbook',
          updatedAtMs: 1,
          version: 7,
        },
      }),
    );
    documents.destroy();
  }, 60_000);
  afterAll(() => world?.close());

  it('status, App Home and digest say "State unknown" with the reason, verdict unknown, and claim no direction', async () => {
    const read = await bot.readiness.check('payments', { fresh: true });
    expect(read.operating).toEqual({
      known: false,
      reason: expect.stringContaining('its phase running-sideways is not one Lifeboat knows'),
    });
    expect(read.verdict).toBe('unknown');
    expect(read.direction).not.toBe('failback');
    const views = {
      status: JSON.stringify(serviceStatusMessage(read).blocks),
      home: JSON.stringify(readinessHomeView([read]).blocks),
      digest: JSON.stringify(
        digestMessage({
          atMs: Date.now(),
          timezone: 'UTC',
          services: [
            {
              service: 'payments',
              readiness: read,
              regressions24h: 0,
              recoveries24h: 0,
              drill: { dueAtMs: Date.now(), status: 'ok' },
            },
          ],
        }).blocks,
      ),
    };
    for (const [view, text] of Object.entries(views)) {
      expect(text, view).toContain('State unknown');
      expect(text, view).toContain('running-sideways is not one Lifeboat knows');
      expect(text, view).not.toMatch(DIRECTION_CLAIMS);
    }
  }, 60_000);

  it('a failover request is neither refused as "already failed over" nor written into the state as a guess', async () => {
    const created = await bot.failover.requests.create({
      service: 'payments',
      mode: 'planned',
      reason: 'state unknown',
      requestedBy: 'U0ALICE',
      source: 'slack',
      where: { channel: 'C0PAYMENTS' },
    });
    expect(created.kind, JSON.stringify(created)).toBe('created');
    // The state is still unknown: the request did not write a guess.
    const after = await bot.readiness.check('payments', { fresh: true });
    expect(after.operating?.known).toBe(false);
  }, 60_000);
});
