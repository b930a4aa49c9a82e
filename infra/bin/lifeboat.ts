#!/usr/bin/env node
/**
 * CDK app entry point: `npx cdk synth|deploy` from infra/ (see infra/cdk.json), e.g.
 *   npx cdk deploy -c plan=dr-plan.yml -c certificateArn=arn:aws:acm:us-west-2:...:certificate/...
 * Relative plan paths are resolved against the repository root.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { loadPlanFile } from '../../src/plan/load.js';
import { addBackupStacks } from '../lib/backups.js';
import { LifeboatStack } from '../lib/lifeboat-stack.js';
import { resolveSettings } from '../lib/settings.js';

async function main(): Promise<void> {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const app = new App();
  const planFile = resolve(repoRoot, String(app.node.tryGetContext('plan') ?? 'dr-plan.example.yml'));
  const plan = await loadPlanFile(planFile);
  const settings = resolveSettings(plan, (key) => app.node.tryGetContext(key), repoRoot);
  new LifeboatStack(app, settings.stackName, { plan, planText: await readFile(planFile, 'utf8'), settings });
  // AWS Backup from the plan's backups sections: one stack per Region they name (docs/backups.md).
  addBackupStacks(app, { plan, prefix: settings.stackName, env: { account: settings.account } });
  app.synth();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
