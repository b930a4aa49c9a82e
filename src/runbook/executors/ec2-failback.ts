import type { ResourceOf, Step } from '../../plan/schema.js';

type Ec2Action = Extract<Step, { kind: 'ec2' }>['action'];

/**
 * What a failback ec2 step needs from the plan to bring compute up in the primary Region: `start-instances`
 * starts `primaryInstances`, `launch-from-ami` launches from `primaryLaunchTemplate` (launch templates and AMIs
 * are Regional: the recovery Region's `launchTemplate` and AMI copies do not exist there), `set-capacity` uses
 * either. Undefined when the plan has what the step needs (and for `stop-recovery`, which acts in the recovery
 * Region); otherwise why it cannot run and the plan field to add. The failback check blocks the request on it
 * and the step refuses to run without it, so a failback never launches from the wrong Region's template.
 */
export function failbackComputeGap(
  r: ResourceOf<'ec2'>,
  action: Ec2Action,
  primaryRegion: string,
): { readonly reason: string; readonly fix: string } | undefined {
  if (action === 'stop-recovery') return undefined;
  const instances = r.primaryInstances.length > 0;
  const template = r.primaryLaunchTemplate !== undefined;
  const needed = {
    'start-instances': { ok: instances, what: 'instance', add: 'primaryInstances (its instance ids there)' },
    'launch-from-ami': {
      ok: template,
      what: 'launch template',
      add: 'primaryLaunchTemplate: { id, version } (a launch template there)',
    },
    'set-capacity': {
      ok: instances || template,
      what: 'instance or launch template',
      add: 'primaryInstances or primaryLaunchTemplate',
    },
  }[action];
  if (needed.ok) return undefined;
  return {
    reason: `the failback's ${action} step cannot bring ${r.id} up in ${primaryRegion}: the plan names no ${needed.what} of it there (the recovery Region's launchTemplate and AMI copies do not exist in ${primaryRegion})`,
    fix: `Add ${needed.add} to ${r.id} in the DR plan and deploy it (plan and IAM policy together), or leave the step out of an explicit runbook.failback`,
  };
}
