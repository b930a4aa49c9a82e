/**
 * `npm run image:check`: builds the production image (Dockerfile) and starts its entry point as a
 * container, then asks its /healthz, /readyz and /metrics, against the Slack emulator on this host (the
 * bot checks its token with auth.test at start). The state is the embedded DynamoDB (LIFEBOAT_DATA_DIR).
 * Exits non-zero with the container's log when anything fails. Needs a Docker engine and a node:24-slim
 * image (pulled, or scripts/base-standin.sh where no registry is reachable).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SANDBOX_BOT, workspaceForPlan } from '../src/sandbox/people.js';
import { startSlackEmulator } from '../src/sandbox/slack/index.js';
import { examplePlan } from '../test/runbook/plan.js';

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
const TAG = 'lifeboat:check';
const PORT = 3917;

async function main(): Promise<void> {
  const started = Date.now();
  await docker('build', '-t', TAG, '.');
  const built = Date.now();
  const { stdout: size } = await docker('image', 'inspect', TAG, '--format', '{{.Size}}');
  const slack = await startSlackEmulator({
    ...workspaceForPlan(examplePlan()),
    botToken: 'xoxb-image',
    signingSecret: 'image-secret',
    botUser: SANDBOX_BOT,
    rateLimits: false,
  });
  const { stdout: id } = await docker(
    'run',
    '-d',
    '--rm',
    '--network',
    'host',
    '-e',
    'SLACK_BOT_TOKEN=xoxb-image',
    '-e',
    'SLACK_SIGNING_SECRET=image-secret',
    '-e',
    `SLACK_API_URL=${slack.apiUrl}`,
    '-e',
    'DR_PLAN=/plan/dr-plan.yml',
    '-e',
    'LIFEBOAT_DATA_DIR=/tmp/lifeboat',
    '-e',
    `PORT=${PORT}`,
    '-e',
    'HOST=127.0.0.1',
    '-e',
    'AWS_REGION=us-west-2',
    '-e',
    'AWS_EC2_METADATA_DISABLED=true',
    '-v',
    `${process.cwd()}/dr-plan.example.yml:/plan/dr-plan.yml:ro`,
    TAG,
  );
  const container = id.trim();
  const logs = async () => (await docker('logs', container).catch(() => ({ stdout: '' }))).stdout;
  try {
    for (let i = 0; !(await logs()).includes('"msg":"Lifeboat is up"'); i++) {
      if (i > 240) throw new Error('the bot did not come up within 2 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    const up = Date.now();
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      console.log(`image-check: ${path} 200`);
    }
    const { stdout: user } = await docker('exec', container, 'id', '-un');
    const { stdout: cmd } = await docker('inspect', container, '--format', '{{json .Config.Cmd}}');
    console.log(
      `image-check: built in ${((built - started) / 1000).toFixed(1)} s, ${(Number(size) / 1e6).toFixed(0)} MB; ` +
        `up in ${((up - built) / 1000).toFixed(1)} s as ${user.trim()} running ${cmd.trim()}`,
    );
  } catch (error) {
    console.error(await logs());
    throw error;
  } finally {
    await docker('rm', '-f', container).catch(() => undefined);
    await slack.close();
  }
}

main().catch((error: unknown) => {
  console.error(`image-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
