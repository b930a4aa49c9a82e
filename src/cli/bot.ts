import { parseConfig, processEnv } from '../config.js';
import { startLifeboat } from '../main.js';
import { runMain, stopOnSignals } from './run.js';

/** `npm run bot`: Lifeboat against real Slack (and real AWS), configured from the environment. */
await runMain(async () => {
  const config = parseConfig(processEnv());
  const lifeboat = await startLifeboat({ config });
  stopOnSignals(
    () => lifeboat.close(),
    (msg) => lifeboat.logger.info(msg),
    'Lifeboat stopped.',
  );
}, 'npm run bot');
