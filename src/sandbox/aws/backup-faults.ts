import { type BackupModel, DEFAULT_COPY_FAILURE, DEFAULT_RESTORE_FAILURE } from './backup.js';
import { emitChange, type World } from './world.js';

/**
 * AWS Backup faults (the three): copy jobs that fail, backup jobs that miss their start window, and a
 * vault without its lock. A copy or window fault starts the affected service's next scheduled backup at once,
 * so its effect shows without waiting a simulated day; `heal` lets later jobs succeed (failed jobs stay).
 */
export interface BackupFaults {
  /** Copy jobs of this plan resource (default: every one) fail with `message` as their StatusMessage. */
  failCopyJobs(resourceId?: string, message?: string): void;
  /** Backup jobs of this plan resource (default: every one) do not start within the window: EXPIRED. */
  missBackupWindow(resourceId?: string): void;
  /** The service's vault in `region` (default: the recovery Region) has no Vault Lock. */
  unlockVault(service: string, region?: string): void;
  /** Restore jobs of this plan resource (default: every one) end FAILED with `message` as their StatusMessage. */
  failRestoreJobs(resourceId?: string, message?: string): void;
  heal(): void;
  /** The service whose backups section covers this plan resource, if any. */
  serviceOf(resourceId: string): string | undefined;
}

export function createBackupFaults(w: World, model: BackupModel, onChange: () => void): BackupFaults {
  const runNow = (resourceId: string | undefined) => {
    const now = w.time.now();
    for (const p of model.plans) {
      if (resourceId && !p.resources.some((r) => r.id === resourceId)) continue;
      model.cycle(p, now, resourceId ?? '*');
    }
    onChange();
  };
  return {
    failCopyJobs(resourceId, message = DEFAULT_COPY_FAILURE) {
      model.copyFailures.set(resourceId ?? '*', message);
      emitChange(w, 'backup-fault', resourceId ?? '*', { fault: 'copy-failure', message });
      runNow(resourceId);
    },
    missBackupWindow(resourceId) {
      model.missedWindows.add(resourceId ?? '*');
      emitChange(w, 'backup-fault', resourceId ?? '*', { fault: 'missed-window' });
      runNow(resourceId);
    },
    unlockVault(service, region) {
      const p = model.plans.find((x) => x.service === service);
      if (!p) throw new Error(`no backups section for service ${service}`);
      const vault = model.vault(region ?? p.recoveryRegion, p.vaultName);
      if (!vault) throw new Error(`no vault ${p.vaultName} in ${region ?? p.recoveryRegion}`);
      delete vault.lock;
      emitChange(w, 'backup-fault', vault.arn, { fault: 'unlocked-vault' });
      onChange();
    },
    failRestoreJobs(resourceId, message = DEFAULT_RESTORE_FAILURE) {
      model.restoreFailures.set(resourceId ?? '*', message);
      emitChange(w, 'backup-fault', resourceId ?? '*', { fault: 'restore-failure', message });
      onChange();
    },
    serviceOf(resourceId) {
      return model.plans.find((p) => p.resources.some((r) => r.id === resourceId))?.service;
    },
    heal() {
      model.restoreFailures.clear();
      model.copyFailures.clear();
      model.missedWindows.clear();
      onChange();
    },
  };
}
