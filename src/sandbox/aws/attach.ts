import type {
  FinalizeHandlerArguments,
  FinalizeRequestMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import type { AnyClient } from '../../adapters/aws/clients.js';
import { CLIENT_SERVICE, requestId, type ServiceKey } from './errors.js';

export interface SdkCall {
  readonly service: ServiceKey;
  readonly operation: string;
  readonly region: string;
  readonly input: object;
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
export function attachClient(client: AnyClient, region: string, dispatch: Dispatch): void {
  // The simulation needs no credentials; never reach for the real credential chain.
  client.config.credentials = async () => ({ accessKeyId: 'ASIASANDBOX', secretAccessKey: 'sandbox' });
  // Each client type has its own Input/Output union; the middleware handles them all alike.
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> =
    (next, context) => async (args: FinalizeHandlerArguments<object>) => {
      const service = CLIENT_SERVICE[context.clientName ?? ''];
      if (!service) return next(args);
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const body = await dispatch({ service, operation, region, input: args.input });
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
