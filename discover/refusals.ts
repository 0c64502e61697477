/**
 * Why discover stops without writing anything: each refusal has one message, tested word for
 * word (__tests__/integration/discover.test.ts), that says what was found and what to do.
 */

/** A refusal of discover: nothing was written. */
export class DiscoverError extends Error {}

const list = (items: readonly string[]) => items.join(', ');

export const REFUSALS = {
  unreachable: (server: string, host: string, cause: string) =>
    `cannot reach the Docker host of server "${server}" at ${host}: ${cause}; check the URL, the TLS files or the ssh access (\`docker -H ${host} info\` must answer)`,
  noXivo: (server: string, host: string, roles: readonly string[], services: readonly string[], files: readonly string[]) =>
    `no XiVO found on server "${server}" (${host}): no container of role ${list(roles)} (Compose services ${list(services)}) and none of ${list(files)}; check the roles (--roles) and the Docker host`,
  twoProjects: (server: string, projects: readonly { readonly name: string; readonly services: readonly string[] }[]) =>
    `server "${server}" runs XiVO services in ${projects.length} Compose projects, ${projects.map((p) => `${p.name} (${list(p.services)})`).join(' and ')}: choose the one to take over with --project <name>`,
  twoContainers: (server: string, id: string, names: readonly string[]) =>
    `server "${server}" runs ${names.length} containers of ${id} (${list(names)}): one container per service can be adopted; remove the extra ones (or choose a Compose project with --project)`,
  secretDiffers: (name: string, variable: string, first: string, second: string) =>
    `${name} differs between ${first} and ${second}: ${variable} is one value for the whole environment; make them equal (XiVO "API Security: Shared token" for the token), then run discover again`,
  noRelease: (server: string) =>
    `no XiVO release found on server "${server}": no XIVOCC_TAG in its env files and no image tag of the form <YYYY.NN>.<dist>; give it with --release <version>`,
  unknownRelease: (server: string, version: string, source: string, known: string) =>
    `release "${version}" found on server "${server}" (${source}) is not a XiVO LTS this project knows (${known}, or a newer YYYY.NN version); give the release with --release <version>`,
  dataInBindMount: (server: string, id: string, container: string, source: string, target: string) =>
    `${id} on server "${server}" (${container}) keeps its data in the host directory ${source} (bind mount at ${target}), not in a Docker volume: a replacement would start on an empty volume; move the data into a Docker volume first, then run discover again`,
  xucHostAddress: (key: string, value: string, file: string, option: string) =>
    `${key} is the address ${value} in ${file}: publicNames.${option} must be the DNS name users open; give it with --public-name ${option}=<fqdn> (the first deploy then writes it into the file)`,
  unixAddress: (server: string) =>
    `server "${server}" is reached over a unix socket: give the address other servers reach it by with --address <ip or name>`,
  refusedResult: (issues: readonly string[]) =>
    `the environment file discover would write is refused by the loader (nothing written; please report it with the catalogue report):\n${issues.join('\n')}`,
  differentEnvironment: (file: string, name: string, wanted: string) =>
    `${file} describes environment "${name}", not "${wanted}": give --environment ${name} or another file`,
} as const;
