/**
 * The takeover runbook of an environment (`runbooks/<env>/takeover.md`): how to put an existing
 * installation (XiVO's installer, `xivocc-installer`, Compose containers and their volumes)
 * under this deployment, server by server, and how to roll back. No secrets.
 */
import { COMPOSE_PROJECT, findService, HOST_ENV_FILES, RESERVED_HOST_PORTS } from '../catalogue/services';
import { Role } from '../catalogue/types';
import { containerNameOf, Environment, ServerModel } from '../config/model';
import { publishedPort } from '../config/resolve';
import { EnvFileKeys } from '../constructs/env-file-keys';

/** Compose commands that would fight Terraform over the containers it manages. */
export const FORBIDDEN_COMPOSE_COMMANDS = ['up', 'rm', 'down', 'create', 'run'] as const;

const code = (s: string) => `\`${s}\``;

function publishedPorts(env: Environment, server: ServerModel): string[] {
  return server.services.flatMap((def) =>
    def.ports.flatMap((p) => {
      const port = publishedPort(env.overrides, def.id, p.name);
      return port ? [`${port}/${p.protocol ?? 'tcp'} (${def.id})`] : [];
    }),
  );
}

function adopted(env: Environment): string[] {
  return Object.entries(env.overrides).flatMap(([id, o]) =>
    Object.entries(o.adoptVolumes ?? {}).map(([volume, existing]) => {
      const def = findService(id)!;
      return `| ${code(id)} | ${code(volume)} | ${code(existing)} | ${env.placement.get(def.id)?.name ?? '(not deployed)'} |`;
    }),
  );
}

function serverSteps(env: Environment, server: ServerModel, index: number): string {
  const lines = [`### ${index}. ${server.name} (${server.roles.join(', ')}), stack ${code(server.stackName)}`, ''];
  const composeRoles = server.roles.filter((r) => COMPOSE_PROJECT[r]);
  const adopted = server.services.filter((d) => env.overrides[d.id]?.adoptContainer);
  const composeServices = server.services.filter((d) => composeRoles.includes(d.role) && !env.overrides[d.id]?.adoptContainer).map((d) => d.name);
  if (adopted.length) {
    lines.push(
      `1. Adopted, not stopped: ${adopted.map((d) => code(containerNameOf(env, d))).join(', ')} keep running; the first apply imports them (see "Adopted containers").` +
        (composeServices.length
          ? ` Stop the others this server will run from now on: ${code(`xivocc-dcomp stop ${composeServices.join(' ')}`)}.`
          : ''),
    );
  } else if (composeServices.length) {
    lines.push(
      `1. Stop the Compose containers this server will run from now on (stop keeps containers and volumes; never ${code('rm -v')} nor ${code('down -v')}):`,
      '',
      '   ```sh',
      `   xivocc-dcomp stop ${composeServices.join(' ')}`,
      '   ```',
    );
  } else {
    lines.push('1. Nothing to stop: XiVO keeps running its own services on this host.');
  }
  if (server.roles.includes(Role.XIVO) && env.placement.has('xivo.configmgt')) {
    lines.push(
      `   configmgt is opted in (${code('services["xivo.configmgt"].enabled: true')}): stop XiVO's own configmgt first, it holds port 9100.`,
    );
  }
  const ports = publishedPorts(env, server);
  lines.push(
    `2. Ports our containers publish here (Docker refuses to start a container whose port is taken): ${ports.length ? ports.join(', ') : 'none'}.`,
  );
  // A server that only gets host files (a PBX, an MDS) has nothing to check.
  if (ports.length)
    lines.push(`   Check they are free: ${code(`ss -ltnup | grep -E ':(${[...new Set(ports.map((p) => p.split('/')[0]))].join('|')})\\b'`)}.`);
  const files = HOST_ENV_FILES.filter((f) => server.roles.includes(f.role)).map((f) => f.path);
  lines.push(
    `3. Deploy: ${code(`npx cdktf deploy ${server.stackName} --ignore-missing-stack-dependencies`)}.`,
    files.length
      ? `   ${[...new Set(files)].map(code).join(', ')}: our keys are updated in place, every other line is kept, the previous file is saved as ${code('custom.env.backup-<UTC time>')}.`
      : '',
    `4. Containers now managed: ${server.services.map((d) => code(containerNameOf(env, d))).join(', ') || 'none'}.`,
    '',
  );
  return lines.filter((l) => l !== '').join('\n');
}

/** Rows of the adopted containers: service, container, id, server. */
function adoptedContainers(env: Environment): string[] {
  return Object.entries(env.overrides).flatMap(([id, o]) =>
    o.adoptContainer
      ? [
          `| ${code(id)} | ${code(o.adoptContainer.name)} | ${code(o.adoptContainer.id.slice(0, 12))} | ${env.placement.get(findService(id)!.id)?.name ?? '(not deployed)'} |`,
        ]
      : [],
  );
}

export function takeoverRunbook(env: Environment, deployOrder: readonly ServerModel[]): string {
  const adoptedRows = adopted(env);
  const containerRows = adoptedContainers(env);
  const pbx = env.servers.find((s) => s.roles.includes(Role.XIVO));
  const xivoPorts = [...new Set(RESERVED_HOST_PORTS.filter((r) => r.role === Role.XIVO).map((r) => `${r.port}/${r.protocol}`))];
  return `# Taking over an existing installation: environment \`${env.name}\`

XiVO's installer (PBX, MDS) and \`xivocc-installer\` (XiVO CC, UC-Addon) already run containers and
write the \`custom.env\` files. This deployment adopts them server by server, in start order, without
losing data. Read it through once before starting; keep a shell open on each server.

## Before you start

- Back up the databases the usual way (XiVO backup, \`pg_dump\` of \`xivo_stats\`); the volumes listed
  below are adopted, not copied.
- Note the existing volumes: \`docker volume ls\` on each server. A data volume that is not adopted
  here is left alone, and ours starts empty next to it.
- Export the secrets (see README "Deploying"): the same \`TF_VAR_play_auth_token\` as the one in the
  existing \`custom.env\` files keeps every running component working during the takeover.

## Adopted volumes

${
  adoptedRows.length
    ? `The first apply imports these volumes (Terraform \`import\` blocks) instead of creating new ones;
they are never replaced (their labels and driver options are left as their creator set them) and
never destroyed (\`prevent_destroy\`).

| service | volume | existing Docker volume | server |
|---|---|---|---|
${adoptedRows.join('\n')}`
    : `None: \`services.<id>.adoptVolumes\` names none. Without it, our services start with new, empty
volumes (\`<container>-<volume>\`). To keep the data of an existing service, name its volume, e.g.:

\`\`\`yaml
services:
  cc.pgxivocc:
    adoptVolumes: { data: <name shown by docker volume ls> }
\`\`\``
}

## Adopted containers

${
  containerRows.length
    ? `Written by \`npm run discover\`. The first apply imports each running container (Terraform \`import\`
block, by id) instead of creating one: it is not stopped, restarted nor recreated, and keeps its
name. What the provider cannot read back from a running container (env, labels, mounts, ports,
networks, logging, health check) is not compared; a fingerprint of those settings as the environment
file gives them (\`terraform_data\` \`adoption-inputs\`) replaces the container when they change, as
any change would. That first replacement creates the container from the environment file: what
it changes compared with the running one is listed in the catalogue report of discover (Findings:
"its first replacement"), and \`npm run impact\` announces it. A container recreated since discover
(another id) fails the import: run discover again.

| service | container | id | server |
|---|---|---|---|
${containerRows.join('\n')}`
    : 'None: `services.<id>.adoptContainer` names none. `npm run discover` writes them for a running installation.'
}

## Order, server by server

Deploy in this order (the stacks depend on each other in the same way). After each server, run the
checks below before going on.

${deployOrder.map((s, i) => serverSteps(env, s, i + 1)).join('\n\n')}

## Ports XiVO keeps on the PBX host

${pbx ? `On ${code(pbx.name)}, XiVO itself listens on ${xivoPorts.join(', ')}; synth refuses a container published on one of them.` : 'No PBX in this environment.'}
configmgt is XiVO's own (${code('XIVO_HOST:9100')}) unless \`services["xivo.configmgt"].enabled: true\`.

## Operating habits that keep working

Managed containers carry Compose's labels (project \`xivocc\`, service = the Compose service name), so
on a XiVO CC or UC-Addon server \`xivocc-dcomp ps\`, \`xivocc-dcomp logs -f xuc\` and
\`xivocc-dcomp exec xuc <command>\` find them. \`xivocc-dcomp stop <service>\` stops one until the next
deploy starts it again.

**Never** run \`xivocc-dcomp ${FORBIDDEN_COMPOSE_COMMANDS.join('`, `xivocc-dcomp ')}\` on a taken-over
server: Compose would create its own containers next to ours (same ports) or remove ours, and the
next deploy would fight it. Change the environment file and deploy instead.

## Rolling back one server

1. Stop our containers: \`docker stop <names listed for the server>\`.
2. Restore each \`custom.env\` from its backup:
   \`cp -p /etc/docker/<role>/custom.env.backup-<UTC time> /etc/docker/<role>/custom.env\`
   (${EnvFileKeys.name} keeps one backup per change, next to the file).
3. Start the previous containers: \`xivocc-dcomp start <services>\` (they were stopped, not removed;
   adopted volumes kept their names, so they find their data).
4. Make Terraform forget the server without destroying the adopted volumes:
   \`terraform state rm\` of the \`docker_volume\` resources, in \`cdktf.out/stacks/<stack>\`.

## Checks after each server

- \`docker ps --filter label=org.xivo.environment=${env.name}\`: every managed container is up (healthy
  where it has a health check); \`xivocc-dcomp ps\` lists them on CC / UC-Addon servers.
- \`diff /etc/docker/<role>/custom.env.backup-<UTC time> /etc/docker/<role>/custom.env\`: only our keys
  changed; \`docker logs ${EnvFileKeys.containerName('/etc/docker/<role>/custom.env')}\` says "updated"
  or "unchanged".
- Adopted volumes: \`docker inspect <container> --format '{{range .Mounts}}{{.Name}} {{end}}'\` shows
  the existing volume names; the data is there (e.g. \`psql\` counts in \`xivo_stats\`).
- A second \`npx cdktf diff <stack>\` shows no change.
- Log in to ${env.publicNames.xucHost ? code(`https://${env.publicNames.xucHost}/ccagent`) : 'the applications'} and place a test call.
`;
}
