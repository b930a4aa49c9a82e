import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { plainOperating } from '../../blocks/readiness/operating.js';
import { parseConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { type Lifeboat, startLifeboat } from '../main.js';
import { loadPlanFile, type Plan } from '../plan/load.js';
import { fetchGet } from '../probes/checks.js';
import { createSimulatedCloud, type SimulatedCloud } from './aws/index.js';
import { panelRoutes, panelScript, sandboxProbeUrl } from './panel.js';
import { SANDBOX_BOT, workspaceForPlan } from './people.js';
import { beginWorld, consumeSavedWorld, saveWorld, type WorldStart } from './saved-world.js';
import { type EmulatorOptions, type SlackEmulator, startSlackEmulator } from './slack/index.js';
import { pinnedSnsTrust } from './sns-trust.js';

export interface SandboxOptions {
  /** Plan file for the demo world (default: dr-plan.example.yml). */
  readonly planPath?: string;
  /** Port of the emulator's UI (default 0: the OS chooses). The bot always takes a free port. */
  readonly port?: number;
  /**
   * Keep the world on disk here (npm start): the bot's state, and when the sandbox stops the workspace's
   * messages and the simulated cloud. In memory when absent (tests).
   */
  readonly dataDir?: string;
  /** Continue the world saved in `dataDir` (`npm start -- --keep`); by default the world starts fresh. */
  readonly keep?: boolean;
  /** Simulated seconds per real second (default 60: a 5-minute promotion takes 5 s). */
  readonly timeScale?: number;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly logger?: Logger;
  /** Slack rate limits in the emulator (default: Slack-like). */
  readonly rateLimits?: EmulatorOptions['rateLimits'];
}

export interface Sandbox {
  /** The one URL to open: the emulated Slack workspace. */
  readonly url: string;
  readonly plan: Plan;
  readonly slack: SlackEmulator;
  readonly cloud: SimulatedCloud;
  readonly bot: Lifeboat;
  /** Whether this is a fresh world or the saved one continued (and why it is fresh). */
  readonly world: WorldStart['kind'] | 'nothing-saved';
  close(): Promise<void>;
}

/**
 * The whole product on 127.0.0.1 with nothing configured: the Slack emulator, the simulated
 * two-Region cloud, embedded DynamoDB and the real bot between them over real HTTP.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const plan = await loadPlanFile(options.planPath ?? 'dr-plan.example.yml');
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const start = options.dataDir ? await beginWorld(options.dataDir, options.keep === true) : undefined;
    const saved = start?.kind === 'kept' ? start.saved : undefined;
    // AWS kept working while the sandbox was stopped: operations in progress then must have completed.
    if (saved) await sleep(Math.max(0, saved.cloud.settledAt - Date.now()));
    let bot: Lifeboat | undefined;
    const cloud = await createSimulatedCloud({
      plan,
      timeScale: options.timeScale ?? 60,
      ...(saved ? { restore: saved.cloud } : {}),
    });
    closers.push(() => cloud.close());

    const signingSecret = randomBytes(16).toString('hex');
    const botToken = `xoxb-sandbox-${randomBytes(8).toString('hex')}`;
    const slack = await startSlackEmulator({
      team: { id: 'T0LIFEBOAT', domain: 'lifeboat-sandbox', name: 'Lifeboat sandbox' },
      ...workspaceForPlan(plan),
      botToken,
      signingSecret,
      botUser: SANDBOX_BOT,
      port: options.port ?? 0,
      ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}),
      // The panel shows where Lifeboat records each service running (the bot starts after the emulator).
      extraRoutes: panelRoutes(cloud, async () =>
        Promise.all(
          Object.keys(plan.services).map(async (service) => {
            const op = bot ? await bot.operatingState(service) : undefined;
            if (!op) return { service, text: 'starting…', phase: null };
            return { service, text: plainOperating(op), phase: op.known ? op.state.phase : null };
          }),
        ),
      ),
      uiExtensionScript: panelScript(plan),
      ...(saved ? { restore: saved.workspace } : {}),
    });
    closers.push(() => slack.close());
    const dataDir = options.dataDir;
    // Runs after the bot has stopped (closers run in reverse): the world is saved as the bot left it.
    if (dataDir) closers.push(() => saveWorld(dataDir, { workspace: slack.save(), cloud: cloud.save() }));

    const config = parseConfig(
      {
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        // The emulated workspace's own installation: payloads are checked against it.
        SLACK_TEAM_ID: 'T0LIFEBOAT',
        SLACK_APP_ID: 'A0LIFEBOAT',
        PORT: '0',
        LOG_LEVEL: options.logLevel ?? 'info',
        ...(options.dataDir ? { LIFEBOAT_DATA_DIR: options.dataDir } : {}),
      },
      { memoryState: !options.dataDir },
    );
    bot = await startLifeboat({
      config,
      plan,
      ...(options.logger ? { logger: options.logger } : {}),
      onAwsClient: (client, region, assumed) => cloud.attach(client, region, assumed),
      // Drill and runbook durations are what the simulated AWS modelled (timeScale times the clock), labelled so.
      timeline: cloud.timeline,
      // The simulated cloud runs timeScale times faster, so the runbook polls it more often.
      runbook: { pollIntervalMs: 250 },
      // Outside-in probes of the example plan reach the emulator, which answers from the simulated Regions.
      probeHttp: (url, init) => fetchGet(sandboxProbeUrl(slack.url, url), init),
      drills: { pollIntervalMs: 500 },
      snsTrust: pinnedSnsTrust(cloud.signingCertUrl, cloud.certificatePem),
    });
    closers.push(() => bot.close(2_000));
    slack.setBotUrl(`${bot.url}/slack/events`);
    for (const topic of plan.alarmTopics) await cloud.subscribeHttp(topic, `${bot.url}/sns`);
    if (dataDir && saved) await consumeSavedWorld(dataDir);

    const world =
      start === undefined || start.kind === 'kept'
        ? (start?.kind ?? 'fresh')
        : start.why === 'default'
          ? 'fresh'
          : 'nothing-saved';
    return { url: slack.url, plan, slack, cloud, bot, world, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
