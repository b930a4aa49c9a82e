import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores } from '../../src/adapters/store/index.js';
import { createRunbookRunner } from '../../src/runbook/index.js';
import { startRpc } from './rpc.js';
import { type SimCall, startState, startWorld } from './world.js';

let state: Awaited<ReturnType<typeof startState>>;
beforeAll(async () => {
  state = await startState();
});
afterAll(async () => {
  await state?.close();
});

function spawnRunner(config: object): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'test/runbook/child-runner.ts', JSON.stringify(config)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

describe('runbook crash recovery (a real child process killed with SIGKILL)', () => {
  it('completes after runners are killed mid-call, each mutating call made exactly once', async () => {
    // Prepare: the simulated cloud and dynalite live here; children reach them over local HTTP.
    const world = await startWorld(state, { timeScale: 500 });
    const rpc = await startRpc(world.aws);
    const execution = await world.approve('payments');
    const base = {
      rpcUrl: rpc.url,
      dynamoEndpoint: state.dynamo.endpoint,
      tableName: world.tableName,
      executionId: execution.id,
    };

    // Act: kill each child the moment the simulated cloud accepts the call it was waiting for, so the
    // call took effect but the child never learnt its outcome.
    const killedAt: string[] = [];
    for (const [i, operation] of ['SwitchoverGlobalCluster', 'RunInstances'].entries()) {
      const child = spawnRunner({ ...base, clockOffsetMs: i * 120_000 });
      const stderr: Buffer[] = [];
      child.stderr?.on('data', (d: Buffer) => stderr.push(d));
      const onCall = (c: SimCall) => {
        if (c.operation === operation && c.outcome === 'ok') {
          child.kill('SIGKILL');
          killedAt.push(operation);
        }
      };
      world.cloud.events.on('call', onCall);
      const exit = await exited(child);
      world.cloud.events.off('call', onCall);
      expect(exit.signal, Buffer.concat(stderr).toString()).toBe('SIGKILL');
    }
    const later = createStores(state.documents, world.tableName, { now: () => Date.now() + 360_000 });
    const done = await createRunbookRunner(world.deps({ stores: later })).run(execution.id);

    // Assert
    expect(killedAt).toEqual(['SwitchoverGlobalCluster', 'RunInstances']);
    expect(done.state, done.lastError).toBe('completed');
    expect(world.mutations().sort()).toEqual([
      'autoscaling:UpdateAutoScalingGroup',
      'dynamodb:PutItem',
      'ec2:RunInstances',
      'ecs:UpdateService',
      'rds:SwitchoverGlobalCluster',
      'route53-recovery-cluster:UpdateRoutingControlStates',
      'sns:Publish',
    ]);
    await rpc.close();
    await world.close();
  }, 60_000);
});
