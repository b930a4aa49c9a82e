import type { Dispatch, SdkCall } from './attach.js';
import { awsError, throttlingError, timeoutError, unavailableError } from './errors.js';
import { matchesScope } from './faults.js';
import type { Registry } from './registry.js';
import type { RequestRates } from './throttle.js';
import { regionUp, type World } from './world.js';

export interface DispatchOptions {
  /** The clients' per-attempt request timeout, ms, used to shape simulated timeouts. */
  readonly requestTimeoutMs: number;
  /** Brings the model up to date (due transitions, replication) before each call. */
  readonly advance: () => void;
  /** AWS's documented request rates (throttle.ts); absent: no rate limits (tests of other behaviour only). */
  readonly rates?: RequestRates;
}

/**
 * Global services whose API (control plane), reads included, is served from one Region: Route 53's from
 * us-east-1 (FIDELITY.md, "Regional impairment"). Only their data planes (DNS answers, health checking) keep
 * working when that Region is impaired; the model has no data-plane API for them to call.
 */
export const GLOBAL_CONTROL_PLANE: Readonly<Partial<Record<string, string>>> = { route53: 'us-east-1' };

/** The Region whose impairment fails a call: the control plane's for global services, else the client's. */
export const callRegion = (service: string, region: string): string =>
  GLOBAL_CONTROL_PLANE[service] ?? region;

/** Applies injected faults to one SDK attempt, then answers it from the model. */
export function createDispatch(world: World, registry: Registry, options: DispatchOptions): Dispatch {
  return async (call: SdkCall) => {
    const { service, operation, region } = call;
    const key = `${service}:${operation}`;
    let rateLimited = false;
    const report = (outcome: string, error?: Error) =>
      world.events.emit('call', {
        service,
        operation,
        region,
        outcome,
        input: call.input,
        ...(error ? { error: error.name } : {}),
        ...(rateLimited ? { rateLimited } : {}),
        at: world.time.now(),
      });
    try {
      const f = world.faults;
      const latency = f.latencies
        .filter((r) => matchesScope(r, service, region))
        .reduce((sum, r) => sum + r.ms, 0);
      if (latency > 0) {
        const clockMs = world.time.toClock(latency);
        if (clockMs >= options.requestTimeoutMs) {
          await world.time.wait(world.time.toSim(options.requestTimeoutMs));
          throw timeoutError(options.requestTimeoutMs);
        }
        await world.time.wait(latency);
      }
      options.advance();
      const outageRegion = callRegion(service, region);
      if (!regionUp(world, outageRegion)) {
        const mode = f.outageMode.get(outageRegion);
        // impaired: AWS's own words for a Regional event are elevated error rates and latencies.
        if (mode === 'timeout' || (mode === 'impaired' && world.random() < 0.5)) {
          await world.time.wait(world.time.toSim(options.requestTimeoutMs));
          throw timeoutError(options.requestTimeoutMs);
        }
        throw unavailableError(service, outageRegion);
      }
      if (options.rates && !options.rates.admit(call, world.account, outageRegion)) {
        rateLimited = true;
        throw throttlingError(service);
      }
      const throttle = f.throttles.find((r) => matchesScope(r, service, region));
      if (throttle && world.random() < throttle.rate) throw throttlingError(service);
      const failure = f.failures.find(
        (r) => r.operation === key && r.remaining > 0 && (r.region === undefined || r.region === region),
      );
      if (failure) {
        failure.remaining -= 1;
        const [name = 'InternalFailure', status = '500'] = failure.error.split('#');
        throw awsError(service, name, `Injected failure of ${key}`, Number(status));
      }
      if (!registry.has(key)) {
        throw awsError(service, 'UnsupportedOperation', `The sandbox does not simulate ${key}`, 400);
      }
      const output = await registry.invoke(key, call.input, {
        world,
        service,
        operation,
        region,
        ...(call.caller ? { caller: call.caller } : {}),
      });
      report('ok');
      return output;
    } catch (error) {
      report('error', error as Error);
      throw error;
    }
  };
}
