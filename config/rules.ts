/**
 * Cross-field rules of an environment file: what the schema alone cannot see.
 * Each rule returns problems with the key path to blame and what to write instead.
 */
import { HOST_ENV_FILES, RESERVED_HOST_PORTS, findService, serviceDefinition } from '../catalogue/services';
import { Role, ServiceId } from '../catalogue/types';
import { normalDockerHost } from './docker-host';
import { checkInputFile, containmentProblem, MAX_CERTIFICATE_BYTES } from './input-files';
import { containerNameOf, Environment, ServerModel } from './model';
import { mountProblems } from './mounts';
import { publishedPort } from './resolve';
import type { Problem, Rule } from './rule';
import { EnvironmentFile } from './schema';
import { AUTH_RULES } from './rules-auth';
import { SECRET_RULES } from './rules-secrets';
import { TLS_RULES } from './rules-tls';
import { sshOptionProblems } from './ssh-options';
import { HOST_RULES } from './rules-hosts';
import { echo } from './messages';

const LOOPBACK = /^(127\.|localhost$)/;

const uniqueServerNames: Rule = (spec) => {
  const seen = new Map<string, number>();
  return spec.servers.flatMap((s, i) => {
    const first = seen.get(s.name);
    if (first === undefined) {
      seen.set(s.name, i);
      return [];
    }
    return [
      {
        path: ['servers', i, 'name'],
        message: `server name "${s.name}" is already used by servers[${first}]: server names must be unique (they name the stacks)`,
      },
    ];
  });
};

/**
 * Roles that keep a Docker engine to themselves: an MDS is a machine of its own (XiVO's MDS
 * packages, Asterisk and a PostgreSQL replica, answer at its own VoIP address), and the edge is
 * the DMZ host. A XiVO CC or UC-Addon server may run on the PBX's engine (XiVO's own ports are
 * checked, hostClashes); two servers writing one host file (two XiVO CC or UC-Addon servers:
 * /etc/docker/compose/custom.env) are refused by hostClashes.
 */
const OWN_ENGINE: Readonly<Partial<Record<Role, string>>> = {
  [Role.MDS]: 'an MDS is a machine of its own (its Asterisk and PostgreSQL replica are XiVO packages, reached at its own VoIP address)',
  [Role.EDGE]: 'the edge is the DMZ host, apart from the internal servers',
};

/** The message of a server on the Docker engine of another one when a role of the two needs its own. */
export function sharedEngineMessage(host: string, server: string, other: string, otherIndex: number, owner: Role, ownerServer: string): string {
  return `"${host}" is the Docker engine of server "${other}" (servers[${otherIndex}]) too, and server "${ownerServer}" has role "${owner}": ${OWN_ENGINE[owner]}, so it needs a Docker host of its own; give server "${server}" its own Docker host, or list its roles in server "${other}"`;
}

/** The message of a second machine with the address (or DNS name) of another. */
export function sharedAddressMessage(value: string, key: 'address' | 'fqdn', other: string, otherIndex: number): string {
  const what = key === 'address' ? 'address' : 'DNS name';
  return `"${value}" is already the ${what} of server "${other}" (servers[${otherIndex}]), which has another Docker host: two machines cannot share one (flows, nginx upstreams and xuc would reach the wrong one); write this server's own ${key === 'address' ? 'address' : 'name'}`;
}

/** Server entries on one Docker engine: only the pairs the rule above allows. */
const sharedEngines: Rule = (spec) => {
  const problems: Problem[] = [];
  const firstOn = new Map<string, number>();
  spec.servers.forEach((s, i) => {
    const engine = normalDockerHost(s.docker.host);
    const first = firstOn.get(engine);
    if (first === undefined) {
      firstOn.set(engine, i);
      return;
    }
    const other = spec.servers[first];
    const owner = [...s.roles, ...other.roles].find((r) => OWN_ENGINE[r]);
    if (!owner) return;
    const ownerServer = s.roles.includes(owner) ? s.name : other.name;
    problems.push({
      path: ['servers', i, 'docker', 'host'],
      message: sharedEngineMessage(s.docker.host, s.name, other.name, first, owner, ownerServer),
    });
  });
  return problems;
};

/** Two machines cannot answer at one address or name; server entries on one engine are one machine. */
const uniqueAddresses: Rule = (spec) =>
  (['address', 'fqdn'] as const).flatMap((key) => {
    const seen = new Map<string, number>();
    return spec.servers.flatMap((s, i) => {
      const value = s[key]?.toLowerCase();
      if (!value) return [];
      const first = seen.get(value);
      if (first === undefined) {
        seen.set(value, i);
        return [];
      }
      const other = spec.servers[first];
      if (normalDockerHost(other.docker.host) === normalDockerHost(s.docker.host)) return [];
      return [{ path: ['servers', i, key], message: sharedAddressMessage(s[key]!, key, other.name, first) }];
    });
  });

/** A list item written twice is a slip (a copy-paste, a merge): a duplicate role or service would be dropped or placed twice without a word. */
const duplicateItems: Rule = (spec) => {
  const lists: [(string | number)[], readonly unknown[] | undefined][] = [
    ...spec.servers.flatMap((s, i): [(string | number)[], readonly unknown[] | undefined][] => [
      [['servers', i, 'roles'], s.roles],
      [['servers', i, 'services'], s.services],
    ]),
    [['tls', 'extraNames'], spec.tls?.extraNames],
    [['edge', 'exemptNetworks'], spec.edge?.exemptNetworks],
    [['auth', 'kerberos', 'kdc'], spec.auth?.kerberos?.kdc],
    [['auth', 'oidc', 'xucClientIds'], spec.auth?.oidc?.xucClientIds],
    [['freeHostPorts'], spec.freeHostPorts],
  ];
  return lists.flatMap(([at, items]) =>
    (items ?? []).flatMap((item, j) => {
      const first = (items ?? []).findIndex((x) => typeof x === 'string' && typeof item === 'string' && x.toLowerCase() === item.toLowerCase());
      return first >= 0 && first < j
        ? [{ path: [...at, j], message: `"${echo(String(item))}" is already listed (item ${first}): remove this one` }]
        : [];
    }),
  );
};

const onePbx: Rule = (spec) => {
  const carriers = spec.servers.map((s, i) => ({ s, i })).filter(({ s }) => s.roles.includes(Role.XIVO));
  if (carriers.length === 0) {
    return [
      {
        path: ['servers'],
        message: 'no server carries role "xivo": every environment has exactly one XiVO PBX; add "xivo" to the roles of the PBX server',
      },
    ];
  }
  return carriers.slice(1).map(({ i }) => ({
    path: ['servers', i, 'roles'],
    message: `role "xivo" is already on server "${carriers[0].s.name}": an environment has exactly one XiVO PBX`,
  }));
};

const requiredPublicNames: Rule = (spec) => {
  const has = (role: Role) => spec.servers.some((s) => s.roles.includes(role));
  const problems: Problem[] = [];
  if (has(Role.CC) && !spec.publicNames.xucHost) {
    problems.push({
      path: ['publicNames', 'xucHost'],
      message: 'is required when a server carries role "cc": write the FQDN users open (XUC_HOST), e.g. xucHost: cc.example.com',
    });
  }
  if (has(Role.UC_ADDON) && !spec.publicNames.ucAddonHost) {
    problems.push({
      path: ['publicNames', 'ucAddonHost'],
      message: 'is required when a server carries role "ucaddon": write the FQDN users open for the UC-Addon, e.g. ucAddonHost: uc.example.com',
    });
  }
  return problems;
};

const dockerConnections: Rule = (spec, env) =>
  spec.servers.flatMap((s, i) => {
    const at = ['servers', i, 'docker'];
    const problems: Problem[] = [];
    const scheme = s.docker.host.split(':')[0];
    if (s.docker.sshOpts && scheme !== 'ssh')
      problems.push({ path: [...at, 'sshOpts'], message: `only applies to ssh:// hosts; remove it or use an ssh:// host` });
    if (s.docker.tls && scheme !== 'tcp')
      problems.push({ path: [...at, 'tls'], message: `only applies to tcp:// hosts; remove it or use a tcp:// host` });
    if (scheme === 'tcp' && !s.docker.tls) {
      problems.push({
        path: [...at, 'tls'],
        message: 'is required for tcp:// hosts (an unencrypted Docker API is root on that host): give caFile, certFile and keyFile',
      });
    }
    for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
      const file = s.docker.tls?.[key];
      const problem = file && checkInputFile(env.directory, file, MAX_CERTIFICATE_BYTES, true).problem;
      if (problem) problems.push({ path: [...at, 'tls', key], message: problem });
    }
    if (scheme === 'ssh') {
      for (const p of sshOptionProblems(s.docker.sshOpts ?? [])) problems.push({ path: [...at, 'sshOpts', p.index], message: p.message });
    }
    return problems;
  });

const serviceOverrides: Rule = (spec, env) =>
  Object.entries(spec.services ?? {}).flatMap(([id, o]) => {
    const at = ['services', id];
    const def = findService(id);
    if (!def) {
      return [
        { path: at, message: `"${echo(id)}" is not a catalogue service: write "<role>.<service>" as listed by docs/environment.md (e.g. "cc.xuc")` },
      ];
    }
    const problems: Problem[] = [];
    if (o.enabled === false && !def.optional) problems.push({ path: [...at, 'enabled'], message: `"${id}" is required and cannot be disabled` });
    for (const name of Object.keys(o.ports ?? {})) {
      if (!def.ports.some((p) => p.name === name)) {
        problems.push({
          path: [...at, 'ports', name],
          message: `"${id}" has no port named "${echo(name)}"; its ports: ${def.ports.map((p) => p.name).join(', ') || '(none)'}`,
        });
      }
    }
    if (o.env && 'PLAY_AUTH_TOKEN' in o.env) {
      problems.push({
        path: [...at, 'env', 'PLAY_AUTH_TOKEN'],
        message: 'the token comes only from SharedToken: remove it here and set TF_VAR_play_auth_token when planning',
      });
    }
    for (const name of Object.keys(o.adoptVolumes ?? {})) {
      if (!def.volumes.some((v) => v.name === name)) {
        problems.push({
          path: [...at, 'adoptVolumes', name],
          message: `"${id}" has no data volume named "${echo(name)}"; its volumes: ${def.volumes.map((v) => v.name).join(', ') || '(none)'}`,
        });
      }
    }
    if (o.adoptContainer && !env.placement.has(def.id)) {
      problems.push({
        path: [...at, 'adoptContainer'],
        message: `"${id}" is not deployed in this environment (disabled, or no server carries role "${def.role}"): an adopted container needs its service; enable it or remove adoptContainer`,
      });
    }
    (o.volumes ?? []).forEach((v, j) => {
      if (!!v.hostPath === !!v.volume) problems.push({ path: [...at, 'volumes', j], message: 'give exactly one of hostPath or volume' });
      if (v.allowSystemPath !== undefined && !v.hostPath)
        problems.push({ path: [...at, 'volumes', j, 'allowSystemPath'], message: 'only applies to hostPath mounts: remove it' });
    });
    return problems;
  });

/**
 * Taking over: one container name, one adopted container and one adopted network per Docker
 * host. Two services adopting the same container, or a container named like another service's,
 * would make two resources manage one container; two servers adopting one network, two states.
 */
const adoptionClashes: Rule = (spec, env) => {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const claim = (key: string, what: string, path: (string | number)[], message: (first: string) => string) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, what);
    else problems.push({ path, message: message(first) });
  };
  for (const server of env.servers) {
    const host = normalDockerHost(server.docker.host);
    for (const def of server.services) {
      const adopted = spec.services?.[def.id]?.adoptContainer;
      const name = containerNameOf(env, def);
      const at = adopted ? ['services', def.id, 'adoptContainer', 'name'] : ['services', def.id];
      claim(
        `${host} name ${name}`,
        def.id,
        at,
        (first) =>
          `container name "${name}" on Docker host ${server.docker.host} is taken twice: by ${first} and by ${def.id}; adopt each running container once`,
      );
      if (adopted) {
        claim(
          `${host} id ${adopted.id}`,
          def.id,
          ['services', def.id, 'adoptContainer', 'id'],
          (first) =>
            `container ${adopted.id.slice(0, 12)} on Docker host ${server.docker.host} is adopted twice: by ${first} and by ${def.id}; adopt each running container once`,
        );
      }
    }
    if (server.adoptNetwork) {
      const index = spec.servers.findIndex((s) => s.name === server.name);
      claim(
        `${host} network ${server.adoptNetwork}`,
        `server "${server.name}"`,
        ['servers', index, 'adoptNetwork'],
        (first) =>
          `network "${server.adoptNetwork}" on Docker host ${server.docker.host} is adopted twice: by ${first} and by server "${server.name}"; one server adopts it`,
      );
    }
  }
  return problems;
};

/** Bind mounts: no system path, no host-file directory, nothing over what we deliver into the container. */
const bindMounts: Rule = (spec) => mountProblems(spec);

/** Local state stays next to the environment file (or in a declared secrets directory): state holds secrets. */
const localStateDirectory: Rule = (spec, env) => {
  const directory = spec.backend?.type === 'local' ? spec.backend.directory : undefined;
  const problem = directory === undefined ? undefined : containmentProblem(env.directory, directory);
  return problem ? [{ path: ['backend', 'directory'], message: problem }] : [];
};

/** Split servers must reach each other: a service used from another server needs a routable address. */
const splitReachability: Rule = (spec, env) => {
  const problems: Problem[] = [];
  for (const server of env.servers) {
    for (const def of server.services) {
      for (const dep of def.dependsOn) {
        const target = env.placement.get(dep);
        if (!target || target === server) continue;
        if (LOOPBACK.test(target.address)) {
          problems.push({
            path: ['servers', spec.servers.findIndex((s) => s.name === target.name), 'address'],
            message: `"${target.address}" is a loopback address, but ${def.id} on server "${server.name}" reaches ${dep} on this server: write an address the other servers can route to`,
          });
        }
        if (!serviceDefinition(dep).ports.some((p) => p.published !== undefined || spec.services?.[dep]?.ports?.[p.name])) {
          problems.push({
            path: ['services', dep, 'ports'],
            message: `${dep} is reached from server "${server.name}" but publishes no port: give it a host port`,
          });
        }
      }
    }
  }
  return dedupe(problems);
};

interface HostUse {
  readonly key: string;
  readonly what: string;
  readonly server: ServerModel;
  /** The service publishing the port; undefined for a host file. */
  readonly service?: ServiceId;
}

/** Published ports and host files of every server sharing a Docker host must not collide. */
const hostClashes: Rule = (spec, env) => {
  const problems: Problem[] = [];
  const byHost = new Map<string, HostUse[]>();
  const use = (server: ServerModel, key: string, what: string, service?: ServiceId) => {
    const host = normalDockerHost(server.docker.host);
    const list = byHost.get(host) ?? [];
    list.push({ key, what, server, service });
    byHost.set(host, list);
  };
  for (const server of env.servers) {
    for (const def of server.services) {
      for (const p of def.ports) {
        const port = publishedPort(spec.services, def.id, p.name);
        if (port) use(server, `port ${port}/${p.protocol ?? 'tcp'}`, `${def.id} (port "${p.name}")`, def.id);
      }
    }
    for (const file of HOST_ENV_FILES.filter((f) => server.roles.includes(f.role))) use(server, `file ${file.path}`, `role "${file.role}"`);
  }
  for (const uses of byHost.values()) {
    const seen = new Map<string, HostUse>();
    for (const u of uses) {
      const first = seen.get(u.key);
      if (!first) {
        seen.set(u.key, u);
        continue;
      }
      const index = spec.servers.findIndex((s) => s.name === u.server.name);
      problems.push({
        path: u.service ? ['services', u.service, 'ports'] : ['servers', index, 'roles'],
        message: `${u.key} on Docker host ${first.server.docker.host} is taken twice: by ${first.what} on server "${first.server.name}" and by ${u.what} on server "${u.server.name}"; ${
          u.service ? 'publish one of them on another port' : 'put these roles on different Docker hosts'
        }`,
      });
    }
    // Ports of the host's own packages (XiVO nginx, Asterisk...): only our containers can move.
    const roles = new Set(uses.map((u) => u.server.roles).flat());
    const freed = new Set(spec.freeHostPorts ?? []);
    for (const reserved of RESERVED_HOST_PORTS.filter(
      (r) =>
        roles.has(r.role) &&
        !(r.unlessDeployed && env.placement.has(r.unlessDeployed)) &&
        !(r.confidence === 'inferred' && freed.has(`${r.port}/${r.protocol}`)),
    )) {
      const clash = uses.find((u) => u.key === `port ${reserved.port}/${reserved.protocol}`);
      if (clash?.service) {
        problems.push({
          path: ['services', clash.service, 'ports'],
          message: `port ${reserved.port}/${reserved.protocol} on Docker host ${clash.server.docker.host} is used by ${reserved.owner}: publish ${clash.what} on another host port`,
        });
      }
    }
  }
  return dedupe(problems);
};

/**
 * A running service whose catalogue variables lead to another service (kibana's
 * ELASTICSEARCH_HOSTS): that one runs too, or XiVO serves it. A missing link is refused here, at
 * its line, as the constructs refuse it at synth: never a variable silently left out.
 */
const requiredServices: Rule = (_spec, env) => {
  const needed = new Map<string, { consumer: ServiceId; target: ServiceId; variables: string[] }>();
  for (const server of env.servers) {
    for (const def of server.services) {
      for (const [variable, source] of Object.entries(def.env)) {
        if (source.kind !== 'endpoint' || source.optional || env.placement.has(source.service) || serviceDefinition(source.service).servedByXivo)
          continue;
        const key = `${def.id} ${source.service}`;
        const entry = needed.get(key) ?? { consumer: def.id, target: source.service, variables: [] };
        entry.variables.push(variable);
        needed.set(key, entry);
      }
    }
  }
  return [...needed.values()].map(({ consumer, target, variables }) => ({
    path: ['services', target, 'enabled'],
    message: `is false, but ${consumer} runs and reads ${variables.join(', ')} from ${target}: enable ${target}, or disable ${consumer} too`,
  }));
};

const unusedPublicNames: Rule = (spec) => {
  const has = (role: Role) => spec.servers.some((s) => s.roles.includes(role));
  const problems: Problem[] = [];
  if (spec.publicNames.ucAddonHost && !has(Role.UC_ADDON)) {
    problems.push({ path: ['publicNames', 'ucAddonHost'], message: 'is set but no server carries role "ucaddon": remove it or add the role' });
  }
  return problems;
};

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify(p);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export const RULES: readonly Rule[] = [
  uniqueServerNames,
  uniqueAddresses,
  sharedEngines,
  duplicateItems,
  onePbx,
  requiredPublicNames,
  unusedPublicNames,
  dockerConnections,
  serviceOverrides,
  adoptionClashes,
  bindMounts,
  localStateDirectory,
  splitReachability,
  hostClashes,
  requiredServices,
];

export function checkRules(spec: EnvironmentFile, env: Environment): Problem[] {
  return [...RULES, ...AUTH_RULES, ...TLS_RULES, ...SECRET_RULES, ...HOST_RULES].flatMap((rule) => rule(spec, env));
}
