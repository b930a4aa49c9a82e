import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SigningIdentity } from './sns-signing.js';

export interface SnsEndpointHandlers {
  confirm(topicArn: string, token: string): string;
  unsubscribe(subscriptionArn: string): void;
}

export interface SnsServer {
  readonly baseUrl: string;
  readonly certUrl: string;
  close(): Promise<void>;
}

const CERT_PATH = '/SimpleNotificationService-sandbox.pem';
const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The sandbox's stand-in for sns.<region>.amazonaws.com on 127.0.0.1 (port chosen by the OS):
 * serves the signing certificate, and the SubscribeURL / UnsubscribeURL actions that subscribers GET.
 */
export async function startSnsServer(
  identity: SigningIdentity,
  handlers: SnsEndpointHandlers,
  scheme: 'https' | 'http' = 'https',
): Promise<SnsServer> {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'text/plain', 'Method Not Allowed');
    if (url.pathname === CERT_PATH) return reply(200, 'application/x-x509-ca-cert', identity.certificatePem);
    const action = url.searchParams.get('Action');
    const requestId = randomUUID();
    try {
      if (action === 'ConfirmSubscription') {
        const arn = handlers.confirm(
          url.searchParams.get('TopicArn') ?? '',
          url.searchParams.get('Token') ?? '',
        );
        return reply(
          200,
          'text/xml',
          `<ConfirmSubscriptionResponse xmlns="${XMLNS}"><ConfirmSubscriptionResult><SubscriptionArn>${xmlEscape(arn)}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`,
        );
      }
      if (action === 'Unsubscribe') {
        handlers.unsubscribe(url.searchParams.get('SubscriptionArn') ?? '');
        return reply(
          200,
          'text/xml',
          `<UnsubscribeResponse xmlns="${XMLNS}"><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></UnsubscribeResponse>`,
        );
      }
    } catch (error) {
      return reply(
        400,
        'text/xml',
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>${xmlEscape(String((error as Error).message))}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
    return reply(404, 'text/plain', 'Not Found');
  };
  const server: Server =
    scheme === 'https'
      ? createHttpsServer({ key: identity.privateKeyPem, cert: identity.certificatePem }, handle)
      : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `${scheme}://127.0.0.1:${port}`;
  return {
    baseUrl,
    certUrl: `${baseUrl}${CERT_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
