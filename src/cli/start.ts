import { parseConfig, parseSandboxConfig, processEnv, wantsSandbox } from '../config.js';
import { startLifeboat } from '../main.js';
import { startSandbox } from '../sandbox/index.js';
import { runMain, stopOnSignals } from './run.js';

/**
 * `npm start`: with no Slack variables set, the sandbox (emulated Slack + simulated AWS + embedded
 * DynamoDB + the real bot) on 127.0.0.1, printing one URL; with Slack configured, the bot itself.
 */
await runMain(async () => {
  const env = processEnv();
  if (!wantsSandbox(env)) {
    const lifeboat = await startLifeboat({ config: parseConfig(env) });
    stopOnSignals(
      () => lifeboat.close(),
      (msg) => lifeboat.logger.info(msg),
    );
    return;
  }
  const started = performance.now();
  const sandbox = await startSandbox(parseSandboxConfig(env));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nLifeboat sandbox ready in ${seconds} s — open ${sandbox.url}\n`);
  console.log(
    'Emulated Slack, simulated AWS (us-east-1 → us-west-2) and embedded DynamoDB; nothing leaves this machine.',
  );
  console.log('Try /dr help and /dr plan payments. Ctrl-C stops everything.\n');
  stopOnSignals(() => sandbox.close());
});
