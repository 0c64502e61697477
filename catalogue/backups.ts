/**
 * What `npm run backup` saves, per data-holding service of the catalogue: every persistent
 * volume (VolumeDefinition.persistent) is saved, the PostgreSQL services with `pg_dump -Fc` of
 * each database (plus `pg_dumpall --globals-only` for roles), the others as a tar of the
 * volume. Derived from SERVICES, so a new data volume is backed up the day it is declared.
 *
 * XiVO's own `xivo-backup` (nightly tar of the configuration + `pg_dump -Fc` of the PBX's
 * database, in /var/backups/xivo) covers the PBX's packages; these backups cover the containers
 * this project deploys, and never write into XiVO's directory (its rotation would delete ours).
 */
import { SERVICES } from './services';
import { Confidence, ServiceId } from './types';

/** How a volume's data is saved and put back. */
export type BackupMethod =
  /** `pg_dump -Fc` of each database (and `pg_dumpall --globals-only`), run in the service's container as `user`; `pg_restore` back. */
  | { readonly kind: 'pg_dump'; readonly user: string; readonly confidence: Confidence }
  /** A tar of the volume, made by the helper image with the volume mounted read-only; restored with the service stopped. */
  | { readonly kind: 'tar' };

export interface BackupDefinition {
  readonly service: ServiceId;
  /** The volume's short name (VolumeDefinition.name): the Docker volume is `<container>-<name>`. */
  readonly volume: string;
  readonly method: BackupMethod;
  /** Why this method, and what is inferred. */
  readonly notes: string;
}

/**
 * Services that are a PostgreSQL server, and the superuser their dumps run as. pgxivocc is built
 * on the PostgreSQL image (its health check is `pg_isready -U postgres`): inferred, overridable
 * with `--pg-user` (npm run backup, restore, upgrade).
 */
const POSTGRES_SERVICES: Partial<Record<ServiceId, { readonly user: string; readonly confidence: Confidence }>> = {
  'cc.pgxivocc': { user: 'postgres', confidence: 'inferred' },
};

export const BACKUPS: readonly BackupDefinition[] = SERVICES.flatMap((def) =>
  def.volumes
    .filter((v) => v.persistent)
    .map((v): BackupDefinition => {
      const pg = POSTGRES_SERVICES[def.id];
      return pg
        ? {
            service: def.id,
            volume: v.name,
            method: { kind: 'pg_dump', ...pg },
            notes: `PostgreSQL (${v.containerPath}): pg_dump -Fc of every database, run as "${pg.user}" in the container (user ${pg.confidence}).`,
          }
        : {
            service: def.id,
            volume: v.name,
            method: { kind: 'tar' },
            notes: `Files of ${v.containerPath} (${v.confidence ?? 'verified'} path), as a tar of the volume.`,
          };
    }),
);

/** The backups of one service (none for a service without data). */
export function backupsOf(service: ServiceId): readonly BackupDefinition[] {
  return BACKUPS.filter((b) => b.service === service);
}

/**
 * Where backups are written on each Docker host, `<directory>/<environment>/<server>/<backup id>/`.
 * Inferred (Debian's place for local backups, beside XiVO's /var/backups/xivo); overridable with
 * `--directory`.
 */
export const DEFAULT_BACKUP_DIRECTORY = '/var/backups/xivo-cdktf';

/** Complete backups kept per server (older ones are deleted after a backup succeeds); overridable with `--keep`. */
export const DEFAULT_BACKUP_RETENTION = 7;
