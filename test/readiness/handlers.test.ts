import type { RespondArguments } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { makeStatusCommand } from '../../handlers/commands/status.js';
import type { SubcommandContext } from '../../handlers/commands/subcommand.js';
import { makeAppHomeOpened } from '../../handlers/events/app-home.js';
import type { ServiceReadiness } from '../../src/readiness/engine.js';
import type { ReadinessService } from '../../src/readiness/service.js';
import { paymentsReadiness } from './fixtures.js';
import { testPlan } from './helpers.js';

const plan = testPlan();
const logger = pino({ level: 'silent' });

function fakeReadiness(overrides: Partial<ReadinessService> = {}): ReadinessService & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    check: async (name) => {
      asked.push(name);
      return { ...paymentsReadiness(), service: name };
    },
    checkAll: async () => [paymentsReadiness()],
    peek: () => undefined,
    invalidate: () => undefined,
    ...overrides,
  };
}

function context(args: string[]) {
  const responses: RespondArguments[] = [];
  const ctx: SubcommandContext = {
    args,
    rest: args.join(' '),
    userId: 'U0ALICE',
    channelId: 'C0PAYMENTS',
    teamId: 'T0TEAM',
    triggerId: 'trigger',
    respond: async (message) => {
      responses.push(typeof message === 'string' ? { text: message } : message);
      return new Response(null, { status: 200 });
    },
    client: {} as WebClient,
  };
  return { ctx, responses };
}

describe('/dr status', () => {
  it('says checking at once, then replaces it with the service card', async () => {
    // Prepare
    const readiness = fakeReadiness();
    const { ctx, responses } = context(['payments']);

    // Act
    await makeStatusCommand({ readiness, getPlan: () => plan, logger })(ctx);

    // Assert
    expect(readiness.asked).toEqual(['payments']);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Checking readiness of payments'),
    });
    expect(responses[1]).toMatchObject({
      response_type: 'ephemeral',
      replace_original: true,
      text: expect.stringContaining('payments: Unknown'),
    });
  });

  it('shows every service when no service is named', async () => {
    // Prepare
    const { ctx, responses } = context([]);

    // Act
    await makeStatusCommand({ readiness: fakeReadiness(), getPlan: () => plan, logger })(ctx);

    // Assert
    expect(responses[1]?.text).toContain('DR readiness');
  });

  it('answers an unknown service with the services the plan defines, without checking', async () => {
    // Prepare
    const readiness = fakeReadiness();
    const { ctx, responses } = context(['nope']);

    // Act
    await makeStatusCommand({ readiness, getPlan: () => plan, logger })(ctx);

    // Assert
    expect(readiness.asked).toEqual([]);
    expect(responses).toHaveLength(1);
    expect(responses[0]?.text).toBe(
      ':warning: No service `nope` in the DR plan. Known services: `payments`, `accounts`.',
    );
  });

  it('tells the user when the check itself fails', async () => {
    // Prepare
    const readiness = fakeReadiness({
      check: async () => {
        throw new Error('engine exploded');
      },
    });
    const { ctx, responses } = context(['payments']);

    // Act
    await makeStatusCommand({ readiness, getPlan: () => plan, logger })(ctx);

    // Assert
    expect(responses[1]).toMatchObject({
      replace_original: true,
      text: expect.stringContaining('Readiness could not be checked: engine exploded'),
    });
  });
});

describe('App Home', () => {
  function fakeClient() {
    const published: { user_id: string; view: { blocks: unknown[] } }[] = [];
    const client = { views: { publish: async (args: (typeof published)[number]) => published.push(args) } };
    return { client: client as unknown as WebClient, published };
  }
  const event = (tab: string) => ({
    type: 'app_home_opened' as const,
    user: 'U0ALICE',
    channel: 'D0',
    tab,
    event_ts: '1',
  });

  it('publishes a checking view, then every service worst first', async () => {
    // Prepare
    const { client, published } = fakeClient();
    const listener = makeAppHomeOpened({ readiness: fakeReadiness(), getPlan: () => plan, logger });

    // Act
    await listener({ event: event('home'), client } as unknown as Parameters<typeof listener>[0]);

    // Assert
    expect(published).toHaveLength(2);
    expect(JSON.stringify(published[0]?.view)).toContain('Checking every service');
    expect(JSON.stringify(published[1]?.view)).toContain('*payments*');
  });

  it('publishes cached results at once without a checking view', async () => {
    // Prepare
    const { client, published } = fakeClient();
    const cached: ServiceReadiness = paymentsReadiness();
    const readiness = fakeReadiness({ peek: (name) => ({ ...cached, service: name }) });
    const listener = makeAppHomeOpened({ readiness, getPlan: () => plan, logger });

    // Act
    await listener({ event: event('home'), client } as unknown as Parameters<typeof listener>[0]);

    // Assert
    expect(published).toHaveLength(1);
    expect(JSON.stringify(published[0]?.view)).toContain('*accounts*');
  });

  it('ignores the Messages tab and shows a failure in the Home tab', async () => {
    // Prepare
    const { client, published } = fakeClient();
    const readiness = fakeReadiness({
      check: async () => {
        throw new Error('no plan');
      },
    });
    const listener = makeAppHomeOpened({ readiness, getPlan: () => plan, logger });

    // Act
    await listener({ event: event('messages'), client } as unknown as Parameters<typeof listener>[0]);
    await listener({ event: event('home'), client } as unknown as Parameters<typeof listener>[0]);

    // Assert
    expect(published).toHaveLength(2);
    expect(JSON.stringify(published[1]?.view)).toContain('Readiness could not be checked: no plan');
  });

  /** Readiness whose payments check waits for `answerPayments` (its primary Region does not answer); others answer at once. */
  const slowPayments = () => {
    let answerPayments: (r: ServiceReadiness) => void = () => undefined;
    const slow = new Promise<ServiceReadiness>((resolve) => {
      answerPayments = resolve;
    });
    const readiness = fakeReadiness({
      check: async (name) => (name === 'payments' ? slow : { ...paymentsReadiness(), service: name }),
    });
    return { readiness, answerPayments: (r: ServiceReadiness) => answerPayments(r) };
  };

  it('shows each service as its check finishes, naming those still checked, and the whole tab last', async () => {
    // Prepare: payments' primary Region does not answer, so its check is slow; accounts answers at once.
    const { client, published } = fakeClient();
    const { readiness, answerPayments } = slowPayments();
    const listener = makeAppHomeOpened({ readiness, getPlan: () => plan, logger, progressMs: 0 });

    // Act
    const done = listener({ event: event('home'), client } as unknown as Parameters<typeof listener>[0]);
    await expect.poll(() => published.length).toBe(2);
    const progress = JSON.stringify(published[1]?.view);
    answerPayments(paymentsReadiness());
    await done;

    // Assert
    expect(JSON.stringify(published[0]?.view)).toContain('Checking every service');
    expect(progress).toContain('*accounts*');
    expect(progress).toContain('Still checking 1 service(s): payments');
    expect(progress).not.toContain('*payments*');
    expect(published).toHaveLength(3);
    const final = JSON.stringify(published[2]?.view);
    expect(final).toContain('*payments*');
    expect(final).not.toContain('Still checking');
  });

  it('still publishes the whole tab when a progress view could not be published', async () => {
    // Prepare: Slack refuses the second publish (the progress view), then answers again.
    const published: unknown[] = [];
    const client = {
      views: {
        publish: async (args: { view: unknown }) => {
          if (published.length === 1 && !refused) {
            refused = true;
            throw new Error('ratelimited');
          }
          published.push(args.view);
        },
      },
    } as unknown as WebClient;
    let refused = false;
    const { readiness, answerPayments } = slowPayments();
    const listener = makeAppHomeOpened({ readiness, getPlan: () => plan, logger, progressMs: 0 });

    // Act
    const done = listener({ event: event('home'), client } as unknown as Parameters<typeof listener>[0]);
    await expect.poll(() => refused).toBe(true);
    answerPayments(paymentsReadiness());
    await done;

    // Assert: the loading view, then the whole tab, not the error view.
    expect(published).toHaveLength(2);
    const final = JSON.stringify(published[1]);
    expect(final).toContain('*payments*');
    expect(final).not.toContain('could not be checked');
  });
});
