import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as autoscaling from '@aws-sdk/client-auto-scaling';
import * as backup from '@aws-sdk/client-backup';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecr from '@aws-sdk/client-ecr';
import * as ecs from '@aws-sdk/client-ecs';
import * as rds from '@aws-sdk/client-rds';
import * as route53 from '@aws-sdk/client-route-53';
import * as s3 from '@aws-sdk/client-s3';
import * as servicequotas from '@aws-sdk/client-service-quotas';
import * as sns from '@aws-sdk/client-sns';
import type { AwsClients, RegionClients } from '../../src/adapters/aws/clients.js';

/** What a child process sends instead of an HTTP request to AWS. */
export interface RpcCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly input: object;
}
export type RpcReply = { output: object } | { error: { name: string; message: string; status: number } };

type Ctor = new (input: object) => unknown;
const MODULES: Record<string, [Record<string, unknown>, keyof RegionClients]> = {
  rds: [rds, 'rds'],
  ec2: [ec2, 'ec2'],
  s3: [s3, 's3'],
  dynamodb: [dynamodb, 'dynamodb'],
  route53: [route53, 'route53'],
  cloudwatch: [cloudwatch, 'cloudwatch'],
  sns: [sns, 'sns'],
  servicequotas: [servicequotas, 'serviceQuotas'],
  backup: [backup, 'backup'],
  autoscaling: [autoscaling, 'autoScaling'],
  ecs: [ecs, 'ecs'],
  ecr: [ecr, 'ecr'],
};

/**
 * The parent's side of the child-process test: each call a child forwards is sent again through a
 * real SDK client attached to the simulated cloud that lives here, so the world survives a SIGKILL.
 */
export async function startRpc(aws: AwsClients): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcCall;
        let reply: RpcReply;
        try {
          const [ns, key] = MODULES[call.service] ?? [];
          const Command = ns?.[`${call.operation}Command`] as Ctor | undefined;
          if (!ns || !key || !Command) throw new Error(`no ${call.service}:${call.operation}`);
          const client = aws.forRegion(call.region)[key] as { send(c: unknown): Promise<object> };
          const { $metadata: _m, ...output } = (await client.send(new Command(call.input))) as {
            $metadata?: unknown;
          };
          reply = { output };
        } catch (error) {
          const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
          reply = {
            error: {
              name: e.name ?? 'Error',
              message: e.message ?? String(error),
              status: e.$metadata?.httpStatusCode ?? 500,
            },
          };
        }
        if (!res.destroyed) res.end(JSON.stringify(reply));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
