/**
 * Puts a backup back (backup.ts wrote it): its checksums are verified first (nothing is touched
 * when one differs), then per item:
 *
 *   PostgreSQL  the containers of the server that use the database are stopped; the dumps are
 *               copied into the database's container; roles are recreated from globals.sql
 *               (existing ones kept); every database of the backup is dropped and recreated
 *               by `pg_restore --create --exit-on-error`; the stopped containers start again
 *   tar         the service's container is stopped, the volume emptied and the tar extracted
 *               into it (owners and modes kept), the container started again
 *
 * The database's container must run (after a lost volume: deploy first, which creates an empty
 * one). See docs/operations.md, "Restore".
 */
import * as path from 'path';
import { backupsOf, DEFAULT_BACKUP_DIRECTORY } from '../catalogue/backups';
import { ServiceId } from '../catalogue/types';
import { SERVICES } from '../catalogue/services';
import { DockerApi } from '../discover/docker-api';
import { BACKUP_ID, requireHelperImage, Manifest, serverBackupDir } from './backup';
import { EstateError, EstateStack } from './estate';
import { copyBetween, inspectContainer, mountHelper, mustExecIn, mustRunJob, shellQuote } from './host-jobs';

export interface RestoreOptions {
  /** A backup id, or `latest` (the newest complete one). */
  readonly backup: string;
  /** Only this item's service (`cc.pgxivocc`). @default every item of the backup */
  readonly service?: string;
  /** @default DEFAULT_BACKUP_DIRECTORY */
  readonly directory?: string;
  /** The PostgreSQL superuser pg_restore runs as. @default the catalogue's (BackupMethod.user) */
  readonly pgUser?: string;
  readonly log?: (line: string) => void;
}

export interface RestoreResult {
  readonly server: string;
  readonly id: string;
  readonly restored: readonly string[];
  /** Containers stopped for the restore and started again. */
  readonly restarted: readonly string[];
  readonly seconds: number;
}

/** The complete backups of a server (those with a manifest), oldest first. */
export async function listBackups(stack: EstateStack, directory = DEFAULT_BACKUP_DIRECTORY): Promise<string[]> {
  const api = new DockerApi(stack.connection);
  try {
    const dir = serverBackupDir(directory, stack);
    const out = await mustRunJob(
      api,
      requireHelperImage(stack),
      `listing ${dir}`,
      `cd /b 2>/dev/null || exit 0; for d in *; do [ -f "$d/manifest.json" ] && echo "$d"; done; true`,
      [`${dir}:/b:ro`],
    );
    return out
      .split('\n')
      .filter((l) => BACKUP_ID.test(l))
      .sort();
  } finally {
    api.close();
  }
}

/** Containers of the stack that use `service` (catalogue dependsOn), by container name. */
function dependentsOf(stack: EstateStack, service: string): string[] {
  const users = new Set(SERVICES.filter((s) => (s.dependsOn as readonly string[]).includes(service)).map((s) => s.id as string));
  return stack.containers.filter((c) => c.service && users.has(c.service) && !c.oneShot).map((c) => c.name);
}

async function setRunning(api: DockerApi, containers: readonly string[], running: boolean): Promise<string[]> {
  const changed: string[] = [];
  for (const name of containers) {
    const state = await inspectContainer(api, name);
    if (!state || state.State.Running === running) continue;
    await api.json('POST', `/containers/${encodeURIComponent(name)}/${running ? 'start' : 'stop'}${running ? '' : '?t=30'}`);
    changed.push(name);
  }
  return changed;
}

export async function restoreServer(stack: EstateStack, options: RestoreOptions): Promise<RestoreResult> {
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  const directory = options.directory ?? DEFAULT_BACKUP_DIRECTORY;
  const server = stack.info.server;
  const available = await listBackups(stack, directory);
  const id = options.backup === 'latest' ? available[available.length - 1] : options.backup;
  if (!id || !available.includes(id))
    throw new EstateError(
      `${server}: no complete backup ${options.backup === 'latest' ? 'at all' : `"${options.backup}"`} in ${serverBackupDir(directory, stack)} (have: ${available.join(', ') || 'none'})`,
    );
  const image = requireHelperImage(stack);
  const relative = path.posix.join(stack.info.environment, server, id);
  const api = new DockerApi(stack.connection);
  const source = new DockerApi(stack.connection);
  const restored: string[] = [];
  const restarted: string[] = [];
  try {
    const manifest = JSON.parse(
      await mustRunJob(
        api,
        image,
        `checking backup ${id}`,
        `set -e; cd ${shellQuote(`/b/${relative}`)}; sha256sum -c SHA256SUMS > /tmp/check 2>&1 || { grep -v ': OK$' /tmp/check; echo 'checksums differ: nothing restored'; exit 1; }; cat manifest.json`,
        [`${directory}:/b:ro`],
      ),
    ) as Manifest;
    const items = manifest.items.filter((i) => !options.service || i.service === options.service);
    if (!items.length)
      throw new EstateError(`${server}: backup ${id} holds no ${options.service} (it holds ${manifest.items.map((i) => i.service).join(', ')})`);
    log(`${server}: restoring backup ${id} (release ${manifest.release}, ${manifest.reason}): ${items.map((i) => i.item).join(', ')}`);
    for (const item of items) {
      const t1 = Date.now();
      if (item.method === 'pg_dump') {
        const state = await inspectContainer(api, item.container);
        if (!state?.State.Running)
          throw new EstateError(`${server}: ${item.container} is not running: deploy first (it starts an empty database server), then restore`);
        const method = backupsOf(item.service as ServiceId).find((b) => `${b.service}.${b.volume}` === item.item)?.method;
        const user = options.pgUser ?? (method?.kind === 'pg_dump' ? method.user : 'postgres');
        const stopped = await setRunning(api, dependentsOf(stack, item.service), false);
        try {
          const work = `/tmp/xivo-restore-${id}`;
          await mustExecIn(api, item.container, 'preparing the restore', `rm -rf ${work}; mkdir -p ${work}`, user);
          const helper = await mountHelper(source, image, [`${directory}:/b:ro`]);
          try {
            await copyBetween(source, helper.id, `/b/${relative}/${item.item}`, api, item.container, work);
          } finally {
            await helper.release();
          }
          const dir = `${work}/${item.item}`;
          await mustExecIn(
            api,
            item.container,
            `restoring the databases of ${item.container}`,
            [
              `set -e`,
              `cd ${shellQuote(dir)}`,
              // Roles first (the dumps' owners and grants); those that exist stay as they are.
              `psql -U ${user} -d postgres -q -f globals.sql > /dev/null 2>&1 || true`,
              `for f in *.pgdump; do`,
              `  db=\${f%.pgdump}`,
              `  psql -U ${user} -d template1 -Atq -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" > /dev/null`,
              `  dropdb -U ${user} --maintenance-db=template1 --if-exists "$db"`,
              `  pg_restore -U ${user} --create --exit-on-error -d template1 "$f"`,
              `  echo "restored $db"`,
              `done`,
              `rm -rf ${work}`,
            ].join('\n'),
            user,
          );
        } finally {
          restarted.push(...(await setRunning(api, stopped, true)));
        }
      } else {
        const stopped = await setRunning(api, [item.container], false);
        try {
          await mustRunJob(
            api,
            image,
            `restoring volume ${item.volume}`,
            `set -e; find /data -mindepth 1 -maxdepth 1 -exec rm -rf {} +; tar -xpf ${shellQuote(`/b/${relative}/${item.item}.tar`)} -C /data`,
            [`${item.volume}:/data`, `${directory}:/b:ro`],
          );
        } finally {
          restarted.push(...(await setRunning(api, stopped, true)));
        }
      }
      restored.push(item.item);
      log(`${server}: ${item.item} restored in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    }
    return { server, id, restored, restarted, seconds: (Date.now() - t0) / 1000 };
  } finally {
    api.close();
    source.close();
  }
}
