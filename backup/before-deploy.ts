/**
 * The backup a deploy makes before it applies a change that touches data: a plan that replaces or
 * removes a container holding a data volume (catalogue/backups.ts) or that replaces or removes
 * a volume (what `npm run impact` marks with exit 3). The server is backed up once per deploy,
 * before its stack is applied; a failed backup leaves the stack unapplied.
 */
import type { StackInfo } from '../deploy/stack-info';
import { backupId, backupServer, BackupOptions } from './backup';
import { dataVolumes, readEstateStack } from './estate';

/** The planned changes (`address: action`) of a stack that touch its data, if any. */
export function dataChanges(stack: StackInfo, planned: readonly string[]): string[] {
  const estate = readEstateStack(stack);
  const holders = new Set(dataVolumes(estate).map((v) => v.container.address));
  return planned.filter((p) => {
    const [address, action] = p.split(': ');
    if (!['replace', 'delete'].includes(action)) return false;
    return holders.has(address) || address.startsWith('docker_volume.');
  });
}

/** The deploy's `beforeApply`: backs up a server whose plan touches data; false when that backup fails. */
export function backupBeforeDataChange(options: BackupOptions): (stack: StackInfo, planned: readonly string[]) => Promise<boolean> {
  const id = backupId();
  return async (stack, planned) => {
    const touching = dataChanges(stack, planned);
    if (!touching.length) return true;
    const log = options.log ?? (() => undefined);
    log(`${stack.name}: the plan touches data (${touching.join('; ')}): backing up ${stack.server} first`);
    try {
      await backupServer(readEstateStack(stack), { ...options, id, reason: `before deploy: ${touching.join('; ')}` });
      return true;
    } catch (e) {
      log(`${stack.name}: backup failed, nothing applied: ${(e as Error).message} (deploy with --no-backup to apply anyway)`);
      return false;
    }
  };
}
