import { parseConfig, parseSandboxConfig, processEnv, wantsSandbox } from '../config.js';
import { startLifeboat } from '../main.js';
import { startSandbox } from '../sandbox/index.js';
import { parseStartArgs } from './args.js';
import { runMain, stopOnSignals } from './run.js';

const WORLD = {
  fresh: 'A fresh world (npm start -- --keep continues the last one instead).',
  kept: 'The world you left, continued: bot state, workspace messages and simulated AWS.',
  'nothing-saved': 'Nothing saved to continue (the last run did not stop cleanly): a fresh world.',
} as const;

/**
 * `npm start`: with no Slack variables set, the sandbox (emulated Slack + simulated AWS + embedded
 * DynamoDB + the real bot) on 127.0.0.1, printing one URL; with Slack configured, the bot itself.
 * `npm start -- --keep` continues the sandbox's last world instead of starting a fresh one.
 */
await runMain(async () => {
  const args = parseStartArgs(process.argv.slice(2));
  const env = processEnv();
  if (!wantsSandbox(env)) {
    const lifeboat = await startLifeboat({ config: parseConfig(env) });
    stopOnSignals(
      () => lifeboat.close(),
      (msg) => lifeboat.logger.info(msg),
      'Lifeboat stopped.',
    );
    return;
  }
  const started = performance.now();
  const config = parseSandboxConfig(env);
  const sandbox = await startSandbox({ ...config, keep: args.keep });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nLifeboat sandbox ready in ${seconds} s — open ${sandbox.url}\n`);
  console.log(
    'Emulated Slack, simulated AWS (us-east-1 → us-west-2) and embedded DynamoDB; nothing leaves this machine.',
  );
  console.log(WORLD[sandbox.world]);
  console.log('Try /dr help and /dr status payments. Ctrl-C stops everything.\n');
  stopOnSignals(
    () => sandbox.close(),
    console.error,
    `Sandbox stopped; its world is saved in ${config.dataDir}/. npm start -- --keep continues it, npm start starts afresh.`,
  );
});
