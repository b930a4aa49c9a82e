import { Agent, request } from 'node:http';
import { serveLines } from './alarms-ipc.js';

/**
 * The flood benchmark's attacker (bench/flood.bench.ts): POSTs small slash-command bodies with a
 * well-formed but wrong Slack signature and a fresh timestamp to /slack/events at `rate` per second
 * for `seconds`, over keep-alive connections, and counts the answers by status.
 */
const BODY = new URLSearchParams({
  team_id: 'T0LIFEBOAT',
  api_app_id: 'A0LIFEBOAT',
  user_id: 'U0MALLORY',
  channel_id: 'C0ACCOUNTS',
  command: '/dr',
  text: 'status',
}).toString();

function flood(url: string, rate: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const statuses: Record<string, number> = {};
  let sent = 0;
  let inFlight = 0;
  let skipped = 0;
  const one = () => {
    if (inFlight >= 2_048) {
      skipped++;
      return;
    }
    inFlight++;
    sent++;
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(BODY),
          'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
          'x-slack-signature': `v0=${'0'.repeat(64)}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      statuses.error = (statuses.error ?? 0) + 1;
    });
    req.end(BODY);
  };
  return new Promise<Record<string, unknown>>((resolve) => {
    const started = performance.now();
    let due = 0;
    const tick = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const target = Math.min(seconds, elapsed) * rate;
      while (due < target) {
        one();
        due++;
      }
      if (elapsed >= seconds) {
        clearInterval(tick);
        const wall = (performance.now() - started) / 1000;
        const wait = setInterval(() => {
          if (inFlight > 0) return;
          clearInterval(wait);
          agent.destroy();
          resolve({ sent, skipped, statuses, seconds: wall, rate: sent / wall });
        }, 50);
      }
    }, 10);
  });
}

serveLines(
  {},
  { run: (args) => flood(String(args.url), Number(args.rate), Number(args.seconds)) },
  async () => undefined,
);
