/**
 * Backups of the data the catalogue says a service holds (catalogue/backups.ts), written on each
 * server's own Docker host, `<directory>/<environment>/<server>/<id>/`, `<id>` being the UTC time
 * (`20261206T210501Z`):
 *
 *   <service>.<volume>/             PostgreSQL: `globals.sql` (pg_dumpall --globals-only) and
 *                                   `<database>.pgdump` (pg_dump -Fc) of every database
 *   <service>.<volume>.tar          any other volume: a tar of its files
 *   SHA256SUMS, manifest.json       checksums of every file; what was saved, from which release
 *
 * Dumps run inside the service's container (its own pg_dump, over its local socket: no password);
 * the dump is streamed from the container into the backup directory through the Docker API.
 * Tars are made on the host by a job of the helper image with the volume mounted read-only.
 * The directory is 0700, its files not readable by others. After a backup succeeds, the oldest
 * complete backups beyond `keep` (and any incomplete one) are deleted.
 */
import * as path from 'path';
import { DEFAULT_BACKUP_DIRECTORY, DEFAULT_BACKUP_RETENTION } from '../catalogue/backups';
import { DockerApi } from '../discover/docker-api';
import { dataVolumes, EstateError, EstateStack } from './estate';
import { copyBetween, mountHelper, mustExecIn, mustRunJob, shellQuote } from './host-jobs';

export interface BackupOptions {
  /** Host directory of the backups. @default DEFAULT_BACKUP_DIRECTORY */
  readonly directory?: string;
  /** Complete backups kept per server. @default DEFAULT_BACKUP_RETENTION */
  readonly keep?: number;
  /** The backup's id. @default the current UTC time, `YYYYMMDDTHHMMSSZ` */
  readonly id?: string;
  /** The PostgreSQL superuser the dumps run as. @default the catalogue's (BackupMethod.user) */
  readonly pgUser?: string;
  /** Why (`on demand`, `before upgrade to 2024.10`): written in the manifest. @default 'on demand' */
  readonly reason?: string;
  readonly log?: (line: string) => void;
}

export interface BackupItem {
  /** `<service>.<volume>` */
  readonly item: string;
  readonly service: string;
  readonly container: string;
  readonly volume: string;
  readonly method: 'pg_dump' | 'tar';
  /** Files of the item (relative to the backup directory). */
  readonly files: readonly string[];
}

export interface ServerBackup {
  readonly stack: string;
  readonly server: string;
  readonly id: string;
  /** Host path of this backup. */
  readonly path: string;
  readonly items: readonly BackupItem[];
  /** Bytes of every file, by path relative to the backup. */
  readonly bytes: Readonly<Record<string, number>>;
  /** Backups deleted by the retention. */
  readonly removed: readonly string[];
  readonly seconds: number;
}

export interface Manifest {
  readonly format: 1;
  readonly id: string;
  readonly environment: string;
  readonly server: string;
  readonly release: string;
  readonly reason: string;
  readonly items: readonly BackupItem[];
}

/** A backup id: the UTC time to the second. Sorted as text, they sort by time. */
export function backupId(date = new Date()): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export const BACKUP_ID = /^\d{8}T\d{6}Z$/;

/** Where a server's backups are, on its host. */
export function serverBackupDir(directory: string, stack: EstateStack): string {
  return path.posix.join(directory, stack.info.environment, stack.info.server);
}

/** The stack's helper image (what backup and restore jobs run), or an error saying to deploy first. */
export function requireHelperImage(stack: EstateStack): string {
  if (!stack.helperImage)
    throw new EstateError(
      `${stack.info.name}: no helper image (busybox) in this stack: deploy it first (every server writes its role's custom.env with it)`,
    );
  return stack.helperImage;
}

/**
 * The script that ends a backup in the job's `/b` (the backup root): checksums, manifest, modes,
 * then the retention; prints `bytes <n> <file>` per file and `removed <id>` per deleted backup.
 */
export function finishScript(relative: string, id: string, keep: number): string {
  const server = shellQuote(`/b/${path.posix.dirname(relative)}`);
  return [
    `set -e`,
    `cd ${shellQuote(`/b/${relative}`)}`,
    `find . -type f ! -name SHA256SUMS ! -name manifest.json | sort | sed 's|^\\./||' | while IFS= read -r f; do sha256sum "$f"; done > SHA256SUMS`,
    `printf '%s\\n' "$MANIFEST" > manifest.json`,
    `chmod -R go-rwx .`,
    `find . -type f | sort | while IFS= read -r f; do echo "bytes $(wc -c < "$f") \${f#./}"; done`,
    `cd ${server}`,
    `n=0`,
    `for d in $(ls -1 | grep -E '^[0-9]{8}T[0-9]{6}Z$' | sort -r); do`,
    `  if [ -f "$d/manifest.json" ]; then n=$((n + 1)); [ "$n" -le ${keep} ] && continue; elif [ "$d" = ${shellQuote(id)} ]; then continue; fi`,
    `  rm -rf "$d" && echo "removed $d"`,
    `done`,
  ].join('\n');
}

/** Backs up every data volume of `stack`'s server; undefined when it holds none. */
export async function backupServer(stack: EstateStack, options: BackupOptions = {}): Promise<ServerBackup | undefined> {
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  const volumes = dataVolumes(stack);
  const server = stack.info.server;
  if (!volumes.length) {
    log(`${server}: no data to back up`);
    return undefined;
  }
  const directory = options.directory ?? DEFAULT_BACKUP_DIRECTORY;
  const keep = options.keep ?? DEFAULT_BACKUP_RETENTION;
  const id = options.id ?? backupId();
  const image = requireHelperImage(stack);
  const relative = path.posix.join(stack.info.environment, server, id);
  const target = path.posix.join(directory, relative);
  const root = `${directory}:/b`;
  const api = new DockerApi(stack.connection);
  // A copy holds one connection to read and one to write (ssh:// gives one request per connection).
  const sink = new DockerApi(stack.connection);
  const items: BackupItem[] = [];
  try {
    await mustRunJob(
      api,
      image,
      `creating ${target}`,
      `set -e; umask 077; mkdir -p ${shellQuote(`/b/${relative}`)}; chmod 0700 /b ${shellQuote(`/b/${stack.info.environment}`)} ${shellQuote(`/b/${path.posix.dirname(relative)}`)}`,
      [root],
    );
    for (const v of volumes) {
      const t1 = Date.now();
      if (v.definition.method.kind === 'pg_dump') {
        const user = options.pgUser ?? v.definition.method.user;
        const work = `/tmp/xivo-backup-${id}`;
        const dir = `${work}/${v.item}`;
        const listed = await mustExecIn(
          api,
          v.container.name,
          `dumping the databases of ${v.container.name}`,
          [
            `set -e`,
            `rm -rf ${work}; mkdir -p ${shellQuote(dir)}; cd ${shellQuote(dir)}`,
            `pg_dumpall -U ${shellQuote(user)} --globals-only > globals.sql`,
            `psql -U ${shellQuote(user)} -d postgres -Atc "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1" > databases`,
            `while IFS= read -r db; do pg_dump -U ${shellQuote(user)} -Fc -f "$db.pgdump" "$db"; echo "$db.pgdump"; done < databases`,
            `rm databases`,
          ].join('\n'),
          user,
        );
        const helper = await mountHelper(sink, image, [root]);
        try {
          await copyBetween(api, v.container.name, dir, sink, helper.id, `/b/${relative}`);
        } finally {
          await helper.release();
          await mustExecIn(api, v.container.name, 'removing the dump from the container', `rm -rf ${work}`, user).catch(() => undefined);
        }
        const files = ['globals.sql', ...listed.trim().split('\n').filter(Boolean)].map((f) => `${v.item}/${f}`);
        items.push({ item: v.item, service: v.definition.service, container: v.container.name, volume: v.volume, method: 'pg_dump', files });
      } else {
        await mustRunJob(
          api,
          image,
          `archiving volume ${v.volume}`,
          `set -e; umask 077; tar -cf ${shellQuote(`/b/${relative}/${v.item}.tar`)} -C /data .`,
          [`${v.volume}:/data:ro`, root],
        );
        items.push({
          item: v.item,
          service: v.definition.service,
          container: v.container.name,
          volume: v.volume,
          method: 'tar',
          files: [`${v.item}.tar`],
        });
      }
      log(`${server}: ${v.item} (${v.definition.method.kind} of ${v.container.name}) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    }
    const manifest: Manifest = {
      format: 1,
      id,
      environment: stack.info.environment,
      server,
      release: stack.containers.find((c) => c.labels['org.xivo.release'])?.labels['org.xivo.release'] ?? '',
      reason: options.reason ?? 'on demand',
      items,
    };
    const out = await mustRunJob(api, image, `finishing ${target}`, finishScript(relative, id, keep), [root], { MANIFEST: JSON.stringify(manifest) });
    const bytes: Record<string, number> = {};
    const removed: string[] = [];
    for (const line of out.split('\n')) {
      const b = /^bytes (\d+) (.+)$/.exec(line);
      if (b) bytes[b[2]] = Number(b[1]);
      const r = /^removed (\S+)$/.exec(line);
      if (r) removed.push(r[1]);
    }
    const seconds = (Date.now() - t0) / 1000;
    const total = Object.values(bytes).reduce((a, b) => a + b, 0);
    log(
      `${server}: backup ${id} in ${target}: ${items.length} item(s), ${total} bytes, ${seconds.toFixed(1)} s${removed.length ? `; removed ${removed.join(', ')}` : ''}`,
    );
    return { stack: stack.info.name, server, id, path: target, items, bytes, removed, seconds };
  } finally {
    api.close();
    sink.close();
  }
}

/** Backs up every server of `stacks`, one after another; the failures are thrown together at the end. */
export async function backupStacks(stacks: readonly EstateStack[], options: BackupOptions = {}): Promise<ServerBackup[]> {
  const id = options.id ?? backupId();
  const done: ServerBackup[] = [];
  const failures: string[] = [];
  for (const stack of stacks) {
    try {
      const result = await backupServer(stack, { ...options, id });
      if (result) done.push(result);
    } catch (e) {
      failures.push(`${stack.info.server}: backup failed: ${(e as Error).message}`);
      options.log?.(failures[failures.length - 1]);
    }
  }
  if (failures.length) throw new BackupFailed(failures.join('\n'), done);
  return done;
}

export class BackupFailed extends Error {
  constructor(
    message: string,
    readonly done: readonly ServerBackup[],
  ) {
    super(message);
  }
}
