/**
 * The host prerequisites runbook of an environment (`runbooks/<env>/host-prerequisites.md`):
 * what each Docker host needs for the environment's XiVO release (Debian version, overlay2,
 * XFS with ftype=1) and how to check it. What the environment file states (`servers[].debian`)
 * is checked at synth; the rest is checked by the operator with the commands given.
 */
import { debianFor, describeRelease, DOCKER_STORAGE_DRIVER, resolveRelease } from '../catalogue/releases';
import { Environment } from '../config/model';

export function hostPrerequisitesRunbook(env: Environment): string {
  const resolved = resolveRelease(env.release)!;
  const release = resolved.release;
  const assumed = resolved.assumedFrom
    ? `\n\n${release.version} is newer than the newest XiVO LTS this project knows: what follows is assumed from ${describeRelease(resolved.assumedFrom)}; check it in XiVO's documentation of ${release.version}.`
    : '';
  const debian = debianFor(release);
  const rows = env.servers.map((s) => `| \`${s.name}\` | \`${s.docker.host}\` | ${s.roles.join(', ')} | ${s.debian ?? 'not stated (check below)'} |`);
  return `# Host prerequisites: environment \`${env.name}\`, XiVO ${describeRelease(release)}

Every Docker host of the environment must meet these before the first deploy (XiVO's install
script refuses other hosts; a mismatch shows up later as images that do not start).${assumed}

| prerequisite | required for ${release.name} | check on the host |
|---|---|---|
| Debian | ${debian ? `Debian ${debian}` : 'the Debian of that release (not recorded here: see its documentation)'} (Debian 11 from 2022.04, Debian 12 from 2024.05) | \`cat /etc/debian_version\` |
| Docker storage driver | \`${DOCKER_STORAGE_DRIVER}\` | \`docker info --format '{{.Driver}}'\` |
| XFS under /var/lib/docker | \`ftype=1\` (overlay2 needs d_type) | \`df -T /var/lib/docker\`; if \`xfs\`: \`xfs_info /var/lib/docker \\| grep ftype\` shows \`ftype=1\` |

## Servers

Set \`servers[].debian\` in the environment file and synth checks it against the release.

| server | Docker host | roles | Debian stated |
|---|---|---|---|
${rows.join('\n')}

## Fixing a host

- Wrong Debian: upgrade the host as XiVO's upgrade guide for ${release.name} says, before deploying.
- Another storage driver: set \`"storage-driver": "${DOCKER_STORAGE_DRIVER}"\` in \`/etc/docker/daemon.json\`
  and restart Docker (existing containers and images of the old driver are not migrated).
- XFS with \`ftype=0\`: the filesystem must be recreated (\`mkfs.xfs -n ftype=1\`); move /var/lib/docker
  to a filesystem that has it.
`;
}
