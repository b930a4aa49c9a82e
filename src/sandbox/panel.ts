import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from '../http/server.js';
import type { Plan } from '../plan/load.js';
import type { BackupFaults } from './aws/backup-faults.js';
import { GLOBAL_CONTROL_PLANE } from './aws/dispatch.js';
import type { Faults } from './aws/faults.js';
import type { WorldSnapshot } from './aws/snapshot.js';

/** What the fault panel needs from the simulated cloud. */
export interface PanelCloud {
  readonly faults: Faults;
  /** AWS Backup faults (a failed copy job), when the simulated cloud models AWS Backup. */
  readonly backup?: BackupFaults;
  snapshot(): WorldSnapshot;
}

/** What the panel shows of Lifeboat itself: where each service runs, as its operating state records it. */
export type PanelOperating = () => Promise<
  readonly { readonly service: string; readonly text: string; readonly phase: string | null }[]
>;

const faultRequest = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('outage'),
    region: z.string(),
    /** impaired (the panel's default): errors and timeouts; unavailable: errors only. */
    mode: z.enum(['unavailable', 'timeout', 'impaired']).default('impaired'),
  }),
  z.object({ action: z.literal('restore'), region: z.string() }),
  z.object({ action: z.literal('break'), resourceId: z.string() }),
  z.object({ action: z.literal('repair'), resourceId: z.string() }),
  z.object({ action: z.literal('throttle'), rate: z.number().min(0).max(1) }),
  z.object({ action: z.literal('latency'), ms: z.number().min(0).max(60_000) }),
  z.object({ action: z.literal('heal') }),
  /** The resource's next AWS Backup copy job fails (started at once): its backup row turns red with the reason. */
  z.object({ action: z.literal('backup-copy-fail'), resourceId: z.string() }),
  /** A Lambda function resource's code throws until healed: its lambda-invoke step pauses with FunctionError. */
  z.object({ action: z.literal('function-errors'), resourceId: z.string() }),
  /** The resource's next AWS Backup job misses its start window (started at once): EXPIRED, no recovery point. */
  z.object({ action: z.literal('backup-window-miss'), resourceId: z.string() }),
  /** The recovery-Region vault of the service backing the resource up has no Vault Lock. */
  z.object({ action: z.literal('backup-vault-unlock'), resourceId: z.string() }),
]);
export type FaultRequest = z.infer<typeof faultRequest>;

export function applyFault(faults: Faults, request: FaultRequest, backup?: BackupFaults): void {
  switch (request.action) {
    case 'backup-copy-fail':
      backup?.failCopyJobs(request.resourceId);
      return;
    case 'function-errors':
      faults.functionErrors(request.resourceId);
      return;
    case 'backup-window-miss':
      backup?.missBackupWindow(request.resourceId);
      return;
    case 'backup-vault-unlock': {
      const service = backup?.serviceOf(request.resourceId);
      if (service) backup?.unlockVault(service);
      return;
    }
    case 'outage':
      faults.regionOutage(request.region, { mode: request.mode });
      return;
    case 'restore':
      faults.restoreRegion(request.region);
      return;
    case 'break':
      faults.breakReplication(request.resourceId);
      return;
    case 'repair':
      faults.repairReplication(request.resourceId);
      return;
    case 'throttle':
      faults.throttle(request.rate);
      return;
    case 'latency':
      faults.latency(request.ms);
      return;
    case 'heal':
      faults.heal();
      backup?.heal();
      return;
  }
}

const HEALTH_PREFIX = '/_sandbox/health/';

/**
 * The sandbox's HTTP for outside-in probes: a probe URL such as
 * `https://us-east-1.api.payments.example.com/healthz` is sent to the emulator's
 * `GET /_sandbox/health/<host>/<path>` on 127.0.0.1, which answers from the simulated Region's state.
 */
export function sandboxProbeUrl(emulatorUrl: string, probeUrl: string): string {
  const target = new URL(probeUrl);
  return new URL(`${HEALTH_PREFIX}${target.host}${target.pathname}`, emulatorUrl).href;
}

/** Routes the emulator mounts for the panel: GET /_sandbox/world, POST /_sandbox/faults, GET /_sandbox/health/<host>. */
export function panelRoutes(cloud: PanelCloud, operating?: PanelOperating) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname === '/_sandbox/state' && req.method === 'GET') {
      sendJson(res, 200, { services: operating ? await operating() : [] });
      return true;
    }
    if (url.pathname === '/_sandbox/world' && req.method === 'GET') {
      sendJson(res, 200, cloud.snapshot());
      return true;
    }
    if (url.pathname.startsWith(HEALTH_PREFIX) && req.method === 'GET') {
      // Outside-in probe targets: `<region>.<name>` answers 200 while that simulated Region is up.
      const host = url.pathname.slice(HEALTH_PREFIX.length).split('/')[0] ?? '';
      const region = cloud
        .snapshot()
        .regions.find((r) => host === r.region || host.startsWith(`${r.region}.`));
      const up = region?.status === 'available';
      sendJson(res, region ? (up ? 200 : 503) : 404, { host, region: region?.region ?? null, up });
      return true;
    }
    if (url.pathname === '/_sandbox/faults' && req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, 16 * 1024)).toString('utf8'));
      } catch {
        sendJson(res, 400, { ok: false, error: 'invalid_json' });
        return true;
      }
      const parsed = faultRequest.safeParse(body);
      if (!parsed.success) {
        sendJson(res, 400, { ok: false, error: 'invalid_fault', detail: parsed.error.issues[0]?.message });
        return true;
      }
      applyFault(cloud.faults, parsed.data, cloud.backup);
      sendJson(res, 200, { ok: true, faults: cloud.faults.describe() });
      return true;
    }
    return false;
  };
}

/**
 * Browser script appended to the emulator page: a panel showing the simulated Regions, alarms and
 * faults, with buttons to inject an outage, break one resource's replication, throttle, or heal.
 */
export function panelScript(plan: Plan): string {
  const regions = [
    ...new Set(Object.values(plan.services).flatMap((s) => [s.primaryRegion, s.recoveryRegion])),
  ];
  const resources = Object.values(plan.services).flatMap((s) =>
    s.resources.filter((r) => r.kind !== 'ec2' && r.kind !== 'route53').map((r) => r.id),
  );
  return `
(() => {
  const regions = ${JSON.stringify(regions)};
  const resources = ${JSON.stringify(resources)};
  const panel = document.createElement('aside');
  panel.dataset.testid = 'aws-panel';
  panel.className = 'sbx-panel';
  const host = (window.slackEmulator && window.slackEmulator.panel) || document.body;
  if (host === document.body) panel.classList.add('sbx-floating');
  const css = document.createElement('style');
  css.textContent = [
    '.sbx-panel{margin:12px 4px 4px;padding:10px 8px 4px;border-top:1px solid rgba(255,255,255,.2);font:12px/1.45 system-ui,sans-serif}',
    '.sbx-floating{position:fixed;right:12px;bottom:12px;width:320px;max-height:60vh;overflow:auto;background:#1f2a37;color:#cbd5e1;border-radius:8px;z-index:50}',
    '.sbx-panel h3{font-size:11px;text-transform:uppercase;letter-spacing:.05em;opacity:.75;margin:10px 0 6px}',
    '.sbx-panel h3:first-child{margin-top:0}',
    '.sbx-row{margin:0 0 8px}',
    '.sbx-line{display:flex;justify-content:space-between;align-items:center;gap:6px}',
    '.sbx-name{font-weight:600;color:#fff}',
    '.sbx-note{opacity:.75;font-size:11px;margin-top:2px}',
    '.sbx-pill{border-radius:9px;padding:0 7px;font-size:11px;white-space:nowrap}',
    '.sbx-up{background:#14532d;color:#bbf7d0}.sbx-down{background:#7f1d1d;color:#fecaca}',
    '.sbx-grid{display:grid;grid-template-columns:1fr 1fr;gap:4px;margin-top:4px}',
    '.sbx-panel button{padding:4px 6px;border-radius:5px;border:1px solid #64748b;background:#334155;color:#f1f5f9;cursor:pointer;font-size:12px}',
    '.sbx-panel button:hover{background:#475569}',
    '.sbx-panel button.sbx-danger{border-color:#ef4444;background:#7f1d1d;color:#fee2e2}',
    '.sbx-panel select{width:100%;padding:3px;border-radius:5px;font-size:12px}',
    '.sbx-list{margin:2px 0 0;padding-left:16px;word-break:break-word}',
  ].join(' ');
  document.head.append(css);
  const el = (tag, attrs, text) => { const e = document.createElement(tag); Object.assign(e, attrs || {}); if (text) e.textContent = text; return e; };
  const fault = async (body) => {
    await fetch('/_sandbox/faults', { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-ui': '1' }, body: JSON.stringify(body) });
    refresh();
  };
  const button = (label, testid, body, danger) => {
    const b = el('button', { type: 'button', className: danger ? 'sbx-danger' : '' }, label);
    b.dataset.testid = testid;
    b.onclick = () => fault(body);
    return b;
  };
  const status = el('div');
  status.dataset.testid = 'sandbox-now';
  const controls = el('div');
  const globals = ${JSON.stringify(GLOBAL_CONTROL_PLANE)};
  const regionPills = new Map();
  for (const region of regions) {
    const alsoDown = Object.keys(globals).filter((s) => globals[s] === region);
    const pill = el('span', { className: 'sbx-pill sbx-up' }, 'available');
    regionPills.set(region, pill);
    const head = el('div', { className: 'sbx-line' });
    head.append(el('span', { className: 'sbx-name' }, region), pill);
    const outage = button('Outage', 'fault-outage-' + region, { action: 'outage', region, mode: 'impaired' }, true);
    outage.title = 'Calls to ' + region + ' fail or time out; replication from it stops; its health checks fail';
    const grid = el('div', { className: 'sbx-grid' });
    grid.append(outage, button('Restore', 'fault-restore-' + region, { action: 'restore', region }));
    const row = el('div', { className: 'sbx-row' });
    row.append(head);
    if (alsoDown.length) row.append(el('div', { className: 'sbx-note' }, 'An outage here also takes the ' + alsoDown.join(', ') + ' control plane'));
    row.append(grid);
    controls.append(row);
  }
  const select = el('select');
  select.dataset.testid = 'fault-resource';
  for (const r of resources) select.append(el('option', { value: r }, r));
  const breakButton = el('button', { type: 'button', className: 'sbx-danger' }, 'Break replication');
  breakButton.dataset.testid = 'fault-break';
  breakButton.onclick = () => fault({ action: 'break', resourceId: select.value });
  const repairButton = el('button', { type: 'button' }, 'Repair');
  repairButton.dataset.testid = 'fault-repair';
  repairButton.onclick = () => fault({ action: 'repair', resourceId: select.value });
  const copyFail = el('button', { type: 'button' }, 'Fail backup copy');
  copyFail.dataset.testid = 'fault-backup-copy';
  copyFail.title = "The resource's next AWS Backup copy to the recovery Region fails (its backup starts now)";
  copyFail.onclick = () => fault({ action: 'backup-copy-fail', resourceId: select.value });
  const functionErrors = el('button', { type: 'button' }, 'Function errors');
  functionErrors.dataset.testid = 'fault-function-errors';
  functionErrors.title = "A Lambda function resource's code throws on every run until healed";
  functionErrors.onclick = () => fault({ action: 'function-errors', resourceId: select.value });
  const windowMiss = el('button', { type: 'button' }, 'Miss backup window');
  windowMiss.dataset.testid = 'fault-backup-window';
  windowMiss.title = "The resource's next AWS Backup job does not start within its window (EXPIRED, no recovery point)";
  windowMiss.onclick = () => fault({ action: 'backup-window-miss', resourceId: select.value });
  const unlock = el('button', { type: 'button' }, 'Unlock backup vault');
  unlock.dataset.testid = 'fault-backup-unlock';
  unlock.title = "The recovery-Region AWS Backup vault of the resource's service has no Vault Lock";
  unlock.onclick = () => fault({ action: 'backup-vault-unlock', resourceId: select.value });
  const replication = el('div', { className: 'sbx-grid' });
  replication.append(breakButton, repairButton, copyFail, windowMiss, unlock, functionErrors);
  const other = el('div', { className: 'sbx-grid' });
  other.append(
    button('Throttle 30%', 'fault-throttle', { action: 'throttle', rate: 0.3 }),
    button('Heal everything', 'fault-heal', { action: 'heal' }));
  const operating = el('div');
  operating.dataset.testid = 'operating-state';
  panel.append(
    el('h3', {}, 'Where services run (Lifeboat)'), operating,
    el('h3', {}, 'Simulated AWS'), controls,
    el('h3', {}, 'One resource (replication, backup copy, Lambda function)'), select, replication,
    el('h3', {}, 'Other faults'), other,
    el('h3', {}, 'Now'), status);
  host.append(panel);
  async function refresh() {
    try {
      const w = await (await fetch('/_sandbox/world')).json();
      const alarming = w.alarms.filter((a) => a.state === 'ALARM').map((a) => a.name);
      for (const r of w.regions) {
        const pill = regionPills.get(r.region);
        if (pill) { pill.textContent = r.status; pill.className = 'sbx-pill ' + (r.status === 'available' ? 'sbx-up' : 'sbx-down'); }
      }
      const list = el('ul', { className: 'sbx-list' });
      for (const name of alarming) list.append(el('li', {}, name));
      status.replaceChildren(
        el('div', {}, 'Faults active: ' + (w.faults.outages.length + w.faults.broken.length + w.faults.throttles.length + w.faults.latencies.length + w.faults.failures.length + (w.faults.functionErrors || []).length || 'none')),
        el('div', {}, 'Alarms in ALARM: ' + (alarming.length ? '' : 'none')),
        ...(alarming.length ? [list] : []),
      );
      status.dataset.alarms = alarming.join(',');
    } catch (e) { status.textContent = 'simulated cloud unreachable'; }
    try {
      const s = await (await fetch('/_sandbox/state')).json();
      operating.replaceChildren(...s.services.map((x) => {
        const line = el('div', { className: 'sbx-row' });
        line.append(el('div', { className: 'sbx-name' }, x.service), el('div', {}, x.text));
        line.dataset.testid = 'operating-' + x.service;
        line.dataset.phase = x.phase || 'unknown';
        return line;
      }));
    } catch (e) { operating.textContent = 'operating state unreachable'; }
  }
  refresh();
  setInterval(refresh, 2000);
})();
`;
}
