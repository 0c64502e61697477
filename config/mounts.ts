/**
 * Bind mounts of `services.<id>.volumes`. Files uploaded into a container write through a
 * bind mount onto the host, and a mount of the Docker socket or of /etc is root on the host:
 * host paths are normalised; system paths, the Docker socket and our own host-file
 * directories are refused unless `allowSystemPath: true` (then synth warns); a mount may not
 * cover a path we upload into the container or a catalogue volume of the service. Host-path
 * mounts are read-only unless `readOnly: false`.
 */
import * as path from 'path';
import { findService } from '../catalogue/services';
import { UPLOAD_PATHS } from '../constructs/delivered-files';
import type { Problem } from './rule';
import type { EnvironmentFile } from './schema';

/** Host paths that are root on the host, or the host's own system: refused with everything below them. */
export const SYSTEM_PATHS = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/lib/docker',
  '/var/run',
  '/var/run/docker.sock',
  '/run/docker.sock',
] as const;
/** Where our host files live (custom.env, certificates, truststores, xivo-ctid configuration). */
export const HOST_FILE_DIRECTORIES = ['/etc/docker', '/usr/share/xivo-certs', '/etc/xivo-ctid'] as const;

const covers = (outer: string, inner: string) => inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);
const hasDotDot = (p: string) => p.split('/').includes('..');

export const MOUNT_MESSAGES = {
  dotDot: (p: string) => `"${p}" contains "..": write the normalised absolute path (${path.posix.normalize(p)})`,
  system: (p: string, root: string) =>
    `"${p}" is a system path (under ${root}): a container writing there changes the host (or is root on it through the Docker socket); mount a directory of its own such as /srv/<service>, or set allowSystemPath: true`,
  hostFiles: (p: string, dir: string) =>
    `"${p}" overlaps ${dir}, where this project writes its host files (custom.env with the shared token, certificates): mount another directory`,
  upload: (p: string, upload: string) =>
    `"${p}" covers ${upload}, which is delivered into the container at create time and would be written through onto the host: mount elsewhere`,
  catalogueVolume: (p: string, volume: string) =>
    `"${p}" covers the catalogue volume at ${volume} of this service: mount elsewhere, or disable the service's volume`,
} as const;

/** The system root a host path falls under, if any (`/` only for `/` itself). */
function systemRoot(hostPath: string): string | undefined {
  return SYSTEM_PATHS.filter((root) => (root === '/' ? hostPath === '/' : covers(root, hostPath))).sort((a, b) => b.length - a.length)[0];
}

/**
 * Problems of every bind mount of the file's service overrides. A system path allowed by
 * `allowSystemPath: true` passes; ServiceContainer warns about it at synth.
 */
export function mountProblems(spec: EnvironmentFile): Problem[] {
  const problems: Problem[] = [];
  for (const [id, override] of Object.entries(spec.services ?? {})) {
    const def = findService(id);
    (override.volumes ?? []).forEach((v, j) => {
      const at = ['services', id, 'volumes', j];
      if (v.hostPath !== undefined) {
        const hostPath = path.posix.normalize(v.hostPath).replace(/(.)\/$/, '$1');
        if (hasDotDot(v.hostPath)) problems.push({ path: [...at, 'hostPath'], message: MOUNT_MESSAGES.dotDot(v.hostPath) });
        const inOurs = HOST_FILE_DIRECTORIES.find((dir) => covers(dir, hostPath));
        const overOurs = HOST_FILE_DIRECTORIES.find((dir) => covers(hostPath, dir));
        const root = systemRoot(hostPath);
        // Inside one of our directories: refused whatever allowSystemPath says; above one: only when the system path is allowed.
        if (inOurs) problems.push({ path: [...at, 'hostPath'], message: MOUNT_MESSAGES.hostFiles(v.hostPath, inOurs) });
        else if (root && !v.allowSystemPath) problems.push({ path: [...at, 'hostPath'], message: MOUNT_MESSAGES.system(v.hostPath, root) });
        else if (overOurs) problems.push({ path: [...at, 'hostPath'], message: MOUNT_MESSAGES.hostFiles(v.hostPath, overOurs) });
      }
      if (hasDotDot(v.containerPath)) problems.push({ path: [...at, 'containerPath'], message: MOUNT_MESSAGES.dotDot(v.containerPath) });
      const containerPath = path.posix.normalize(v.containerPath).replace(/(.)\/$/, '$1');
      const upload = (def ? (UPLOAD_PATHS[def.name] ?? []) : []).find((u) => covers(containerPath, u));
      const volume = def?.volumes.find((cv) => covers(containerPath, cv.containerPath) || covers(cv.containerPath, containerPath));
      if (upload) problems.push({ path: [...at, 'containerPath'], message: MOUNT_MESSAGES.upload(v.containerPath, upload) });
      else if (volume)
        problems.push({ path: [...at, 'containerPath'], message: MOUNT_MESSAGES.catalogueVolume(v.containerPath, volume.containerPath) });
    });
  }
  return problems;
}
