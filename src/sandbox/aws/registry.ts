import type { ServiceKey } from './errors.js';
import type { Principal } from './sts.js';
import type { World } from './world.js';

/** One SDK call as the model sees it. `region` is the Region of the client that sent it. */
export interface Call {
  readonly world: World;
  readonly service: ServiceKey;
  readonly operation: string;
  readonly region: string;
  /** Who signed the call (src/sandbox/aws/sts.ts); undefined: the home account's bot session. */
  readonly caller?: Principal;
}

/** Output without `$metadata`, which the attachment adds as the SDK's deserializer would. */
export type Body<O> = Omit<O, '$metadata'>;
export type Handler<I, O> = (input: I, call: Call) => Body<O> | Promise<Body<O>>;
type StoredHandler = (input: never, call: Call) => object | Promise<object>;

/**
 * Operation handlers keyed `service:Operation`, each typed with the SDK's own
 * `XxxCommandInput` / `XxxCommandOutput`.
 */
export class Registry {
  private readonly handlers = new Map<string, StoredHandler>();

  on<I, O extends object>(operation: `${ServiceKey}:${string}`, handler: Handler<I, O>): this {
    this.handlers.set(operation, handler as StoredHandler);
    return this;
  }

  has(operation: string): boolean {
    return this.handlers.has(operation);
  }

  async invoke(operation: string, input: object, call: Call): Promise<object> {
    const handler = this.handlers.get(operation);
    if (!handler) throw new Error(`no handler for ${operation}`);
    return handler(input as never, call);
  }

  operations(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
