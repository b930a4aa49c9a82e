import { get } from 'node:https';
import type { SnsTrust } from '../compose/sns-trust.js';

/**
 * SNS trust for the simulated SNS (the sandbox, the alarm-storm benchmark): only the one signing
 * certificate at `certUrl`, given as PEM, is accepted, and subscription confirmations are visited
 * over HTTPS trusting that certificate alone.
 */
export function pinnedSnsTrust(certUrl: string, pem: string): SnsTrust {
  const pinned = new URL(certUrl);
  return {
    certHost: new RegExp(`^${pinned.host.replace(/\./g, '\\.')}$`),
    certificates: async (url) => {
      if (url.href !== pinned.href) throw new Error(`not the simulated SNS's certificate: ${url.href}`);
      return pem;
    },
    confirm: (subscribeUrl) => httpsGetTrusting(subscribeUrl, pem),
  };
}

/** GET over HTTPS trusting only `ca`. */
function httpsGetTrusting(url: string, ca: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
