/**
 * Every Slack payload must come from Lifeboat's own installation: its workspace (`team_id`), its app
 * (`api_app_id`) and its Enterprise Grid organisation if any. A signed request from another
 * installation of the same app, or a button pressed by a Slack Connect guest from another
 * organisation (their `user.team_id` / `enterprise` differ), is refused before Bolt sees it.
 */
export interface Installation {
  readonly teamId: string | undefined;
  readonly appId: string | undefined;
  /** undefined = not an Enterprise Grid workspace: any enterprise id in a payload is refused. */
  readonly enterpriseId: string | undefined;
}

interface PayloadIds {
  readonly kind: 'url_verification' | 'ssl_check' | 'payload';
  readonly teams: readonly string[];
  readonly apps: readonly string[];
  readonly enterprises: readonly string[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Parses a Slack request body (JSON events, a form with `payload`, or a slash command form). */
export function payloadIds(body: string, contentType: string | undefined): PayloadIds | undefined {
  let payload: Json | undefined;
  try {
    if ((contentType ?? '').includes('application/json')) payload = obj(JSON.parse(body));
    else {
      const form = new URLSearchParams(body);
      const inner = form.get('payload');
      payload = inner !== null ? obj(JSON.parse(inner)) : Object.fromEntries(form.entries());
    }
  } catch {
    return undefined;
  }
  return payload ? idsOf(payload) : undefined;
}

/** The ids a parsed payload names (Bolt's `body` in Socket Mode, where there is no HTTP request). */
export function idsOf(payload: Json): PayloadIds {
  if (payload.type === 'url_verification')
    return { kind: 'url_verification', teams: [], apps: [], enterprises: [] };
  if (payload.ssl_check === '1') return { kind: 'ssl_check', teams: [], apps: [], enterprises: [] };
  const team = obj(payload.team);
  const user = obj(payload.user);
  const view = obj(payload.view);
  const enterprise = obj(payload.enterprise);
  const pick = (...values: unknown[]) => values.map(str).filter((v): v is string => v !== undefined);
  return {
    kind: 'payload',
    teams: pick(payload.team_id, team?.id, user?.team_id, view?.team_id),
    apps: pick(payload.api_app_id, view?.app_id),
    enterprises: pick(payload.enterprise_id, enterprise?.id, user?.enterprise_id),
  };
}

/** Why the payload is not from the installation, or undefined when it is. */
export function installationMismatch(
  ids: PayloadIds | undefined,
  expected: Installation,
): string | undefined {
  if (!ids) return 'unparseable_payload';
  if (ids.kind !== 'payload') return undefined;
  if (expected.teamId !== undefined) {
    if (ids.teams.length === 0) return 'team_missing';
    if (ids.teams.some((t) => t !== expected.teamId)) return 'team_mismatch';
  }
  if (expected.appId !== undefined) {
    if (ids.apps.length === 0) return 'app_missing';
    if (ids.apps.some((a) => a !== expected.appId)) return 'app_mismatch';
  }
  if (expected.enterpriseId === undefined) {
    if (ids.enterprises.length > 0) return 'enterprise_mismatch';
  } else if (ids.enterprises.some((e) => e !== expected.enterpriseId)) return 'enterprise_mismatch';
  return undefined;
}

/**
 * The same check as Bolt global middleware, for Socket Mode (no HTTP request to refuse): a payload
 * from another installation reaches no listener. `installation` is read per payload (resolved at start).
 */
export function installationMiddleware(
  installation: () => Installation | undefined,
  onRefused: (reason: string) => void,
) {
  return async (args: { body: unknown; next: () => Promise<void> }): Promise<void> => {
    const expected = installation();
    const body = obj(args.body);
    const mismatch = expected ? installationMismatch(body ? idsOf(body) : undefined, expected) : undefined;
    if (mismatch) return onRefused(`not_this_installation: ${mismatch}`);
    await args.next();
  };
}
