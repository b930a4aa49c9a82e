import type {
  FinalizeHandlerArguments,
  FinalizeRequestMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import type { AssumedRole } from '../../adapters/aws/assume-role.js';
import type { AnyClient } from '../../adapters/aws/clients.js';
import { CLIENT_SERVICE, requestId, type ServiceKey } from './errors.js';
import { type Principal, SANDBOX_ACCESS_KEY } from './sts.js';

/** The Region an STS endpoint serves: sts.<region>.amazonaws.com, or us-east-1 for the global sts.amazonaws.com. */
export function stsRegion(hostname: string, clientRegion: string): string {
  if (hostname === 'sts.amazonaws.com') return 'us-east-1';
  return /^sts\.([a-z0-9-]+)\.amazonaws\.com$/.exec(hostname)?.[1] ?? clientRegion;
}

export interface SdkCall {
  readonly service: ServiceKey;
  readonly operation: string;
  readonly region: string;
  readonly input: object;
  /** The access key the request was signed with (its SigV4 Authorization header): who is calling. */
  readonly accessKeyId?: string;
  /** Set by the account router: the principal `accessKeyId` belongs to. */
  readonly caller?: Principal;
}
export type Dispatch = (call: SdkCall) => Promise<object>;

export const MIDDLEWARE_NAME = 'lifeboatSimulatedCloud';

/**
 * Replaces only the network hop of a real SDK v3 client: a middleware in `finalizeRequest` with low
 * priority runs inside the retry middleware (and after signing), so input validation,
 * serialization, endpoint resolution, the retry strategy and waiters all run as they do against
 * AWS. It answers with the model's output (skipping deserialization) or throws SDK-shaped errors,
 * which the retry middleware classifies exactly as it would real ones.
 */
export function attachClient(
  client: AnyClient,
  region: string,
  dispatch: Dispatch,
  assumed?: AssumedRole,
): void {
  // Lifeboat's own clients sign as the sandbox's bot session; never reach for the real credential chain. Clients
  // acting as a workload role keep their provider: its credentials come from the simulated STS.
  if (!assumed)
    client.config.credentials = async () => ({ accessKeyId: SANDBOX_ACCESS_KEY, secretAccessKey: 'sandbox' });
  // Each client type has its own Input/Output union; the middleware handles them all alike.
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> =
    (next, context) => async (args: FinalizeHandlerArguments<object>) => {
      const service = CLIENT_SERVICE[context.clientName ?? ''];
      if (!service) return next(args);
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const request = args.request as { hostname?: string; headers?: Record<string, string> };
      const signed = /Credential=([^/,\s]+)\//.exec(request.headers?.authorization ?? '');
      const body = await dispatch({
        service,
        operation,
        // STS answers where its endpoint is: the global endpoint is served from us-east-1.
        region: service === 'sts' ? stsRegion(request.hostname ?? '', region) : region,
        input: args.input,
        ...(signed?.[1] ? { accessKeyId: signed[1] } : {}),
      });
      const output: MetadataBearer = {
        ...body,
        $metadata: { httpStatusCode: 200, requestId: requestId(), attempts: 1, totalRetryDelay: 0 },
      };
      return {
        output,
        response: { statusCode: 200, headers: { 'x-amzn-requestid': output.$metadata.requestId } },
      };
    };
  stack.add(middleware, {
    step: 'finalizeRequest',
    priority: 'low',
    name: MIDDLEWARE_NAME,
    override: true,
  });
}
