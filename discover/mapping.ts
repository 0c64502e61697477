/**
 * From what runs on one Docker host (a HostSnapshot) to what an environment file says about that
 * server: which containers are catalogue services (by Compose labels, else by image), the
 * overrides where the installation differs from the catalogue (image, tag, ports, env, memory,
 * restart policy), the adopted container, volumes and network, the public names and the release,
 * the secrets found (never their values), the containers left alone, and findings. Pure: the unit
 * tests replay recorded snapshots.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { describeRelease, releaseList, resolveRelease } from '../catalogue/releases';
import { DEFAULT_DIST, DEFAULT_XUC_HEAP, HOST_ENV_FILES, SERVICES, servicesOfRole, XIVO_NAMESPACE } from '../catalogue/services';
import { PublicName, Role, ServiceDefinition, ServiceId } from '../catalogue/types';
import { XUC_CREDENTIALS, XucCredential } from '../catalogue/xuc-credentials';
import { DEFAULT_RESTART } from '../constructs/service-container';
import { DEFAULT_LOGIN_TIMEOUT_MS } from '../constructs/xuc/xuc-defaults';
import { DiscoverError, REFUSALS } from './refusals';
import { ContainerInspect, DISCOVER_LABEL, HostSnapshot, isSecretName, splitEnv } from './snapshot';

/** Where a variable of a running container comes from. */
export type EnvOrigin = 'factory.env' | 'custom.env' | 'container';

export interface Finding {
  /** `warning`: something changes or is lost at a later replacement; `info`: worth knowing. */
  readonly level: 'warning' | 'info';
  /** What it is about: a service id, a container, a file. */
  readonly subject: string;
  readonly text: string;
}

/** A secret seen on the host: where, and the Terraform variable that carries it. Its value is only hashed, in memory. */
export interface SecretFound {
  readonly name: string;
  /** `server "cc" (/etc/docker/compose/custom.env)`, `server "cc" (container xivocc_xuc_1)` */
  readonly where: string;
  /** `TF_VAR_play_auth_token`; undefined when no variable of this project carries it. */
  readonly variable?: string;
  /** sha256 of the value: compared, never written nor printed. */
  readonly digest: string;
}

/** What discover writes for a service (`services.<id>`), as the schema takes it. */
export interface ServiceOverrideOut {
  enabled?: boolean;
  image?: string;
  tag?: string;
  env?: Record<string, string>;
  ports?: Record<string, number>;
  memoryMb?: number;
  restart?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  volumes?: { containerPath: string; hostPath?: string; volume?: string; readOnly?: boolean; allowSystemPath?: boolean }[];
  adoptVolumes?: Record<string, string>;
  adoptContainer?: { name: string; id: string; aliases?: string[] };
}

export interface AdoptedService {
  readonly def: ServiceDefinition;
  readonly container: ContainerInspect;
  /** Container name without the leading slash. */
  readonly name: string;
  /** Compose project and service, when Compose created it. */
  readonly compose?: { readonly project: string; readonly service: string };
  /** Image reference as the container was created (`[registry/]repository:tag`). */
  readonly image: { readonly registry?: string; readonly repository: string; readonly tag: string };
  readonly override: ServiceOverrideOut;
  /** Origin of each variable written in `override.env`. */
  readonly envOrigins: Readonly<Record<string, EnvOrigin>>;
  /** Every variable the container has beyond its image's (names only), for the catalogue report. */
  readonly envNames: readonly string[];
  /** Host ports found, by catalogue port name (undefined: not published); other published container ports. */
  readonly ports: { readonly byName: Readonly<Record<string, number | undefined>>; readonly others: readonly string[] };
  /** Mounts found: `volume name`, or `host path`, by container path. */
  readonly mounts: Readonly<Record<string, string>>;
}

export interface LeftAlone {
  readonly name: string;
  readonly image: string;
  readonly reason: string;
}

export interface EnvFileFound {
  readonly path: string;
  /** Keys in file order, with whether each holds a secret. */
  readonly keys: readonly { readonly name: string; readonly secret: boolean }[];
}

/** What one server runs, in the terms of an environment file. */
export interface ServerDiscovery {
  readonly server: string;
  readonly host: string;
  readonly roles: readonly Role[];
  readonly release: { readonly version: string; readonly dist: string; readonly source: string; readonly assumedFrom?: string };
  /** Registry prefix of the images, when they share one. */
  readonly registry?: string;
  readonly adoptNetwork?: string;
  readonly publicNames: Readonly<Partial<Record<PublicName, string>>>;
  readonly auth: { loginTimeoutMs?: number; allowXucUserLogin?: boolean; jvm?: { heapMin?: string; heapMax?: string; extraOptions?: string[] } };
  readonly xucCredentials: Partial<Record<'ctiUser' | 'webServicesUser' | 'amiUser', string>>;
  /** `services.<id>` to write, for every service of the roles (adopted, disabled, or left to be created). */
  readonly services: Readonly<Partial<Record<ServiceId, ServiceOverrideOut>>>;
  readonly adopted: readonly AdoptedService[];
  /** Required services not found: the first deploy creates them. */
  readonly created: readonly ServiceId[];
  readonly leftAlone: readonly LeftAlone[];
  readonly envFiles: readonly EnvFileFound[];
  readonly secrets: readonly SecretFound[];
  readonly findings: Finding[];
}

export interface DiscoverTarget {
  readonly server: string;
  readonly roles: readonly Role[];
  /** The Compose project to take over when several run XiVO services. @default the only one */
  readonly project?: string;
  /** `--release`: the release when the host does not say it. @default found on the host */
  readonly release?: string;
  /** `--public-name key=value`: public names the host cannot give (XUC_HOST as an address). @default none */
  readonly publicNames?: Readonly<Partial<Record<PublicName, string>>>;
  /**
   * What the environment file being extended already says: image tags are compared with its
   * release and dist, images with its registry. @default a new file: what the host says
   */
  readonly environment?: { readonly release: string; readonly dist: string; readonly registry?: string };
}

const MIB = 1024 * 1024;
const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
const COMPOSE_ONEOFF_LABEL = 'com.docker.compose.oneoff';
const RELEASE_TAG = /^(\d{4}\.\d{2})\.(.+)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** sha256 of a secret's value: what discover compares, in memory only. */
export const digestOf = (value: string) => createHash('sha256').update(value).digest('hex');
const digest = digestOf;

/** The Terraform variable of a secret env name, if this project declares one. */
export function secretVariable(name: string): string | undefined {
  if (name === 'PLAY_AUTH_TOKEN') return 'TF_VAR_play_auth_token';
  const credential = Object.values(XUC_CREDENTIALS).find((c) => c.env === name && c.secretVariable);
  return credential ? `TF_VAR_${credential.secretVariable}` : undefined;
}

/** `KEY=value` lines of an env file (comments and blank lines skipped, values as written: docker-compose 1 keeps quotes). */
export function parseEnvFile(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => /^\s*[A-Za-z_][A-Za-z0-9_.]*=/.test(line))
    .map((line) => splitEnv(line.trim()));
}

/** `[registry/]repository[:tag][@digest]` → the repository (registry included) and the tag (`latest` when none). */
export function parseImageReference(reference: string): { repository: string; tag: string } {
  const withoutDigest = reference.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : 'latest';
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return { repository: name, tag };
}

/** The role directory of each role's env files (`/etc/docker/compose`). */
export function envFileDirectory(role: Role): string | undefined {
  const file = HOST_ENV_FILES.find((f) => f.role === role);
  return file && path.posix.dirname(file.path);
}

/** The public names a role's custom.env holds (`XUC_HOST` → xucHost for XiVO CC). */
function publicNameKeys(role: Role): [string, PublicName][] {
  const file = HOST_ENV_FILES.find((f) => f.role === role);
  return Object.entries(file?.variables ?? {}).flatMap(([key, source]) =>
    source.kind === 'public' ? [[key, source.name] as [string, PublicName]] : [],
  );
}

const nameOf = (c: ContainerInspect) => c.Name.replace(/^\//, '');
const envOf = (entries: readonly string[] | null | undefined) => new Map((entries ?? []).map(splitEnv));

/** Which catalogue service a container is, if any: by its Compose service, else by its image. */
function serviceOf(
  c: ContainerInspect,
  roles: readonly Role[],
): { def: ServiceDefinition; compose?: { project: string; service: string } } | undefined {
  const labels = c.Config.Labels ?? {};
  const defs = roles.flatMap((r) => servicesOfRole(r));
  const project = labels[COMPOSE_PROJECT_LABEL];
  const service = labels[COMPOSE_SERVICE_LABEL];
  if (project && service) {
    const def = defs.find((d) => d.name === service);
    return def ? { def, compose: { project, service } } : undefined;
  }
  const repository = parseImageReference(c.Config.Image).repository;
  const def = defs.find((d) => repository === d.image || repository.endsWith(`/${d.image}`));
  return def && { def };
}

/** Maps one host. @throws DiscoverError when the host cannot be taken over as it is (see REFUSALS). */
export function mapHost(snapshot: HostSnapshot, target: DiscoverTarget): ServerDiscovery {
  const { server, roles } = target;
  const findings: Finding[] = [];
  const secrets: SecretFound[] = [];
  const leftAlone: LeftAlone[] = [];
  const where = (what: string) => `server "${server}" (${what})`;

  // --- env files of the roles ---------------------------------------------------------------
  const envFiles: EnvFileFound[] = [];
  const fileValues = new Map<string, { value: string; origin: 'factory.env' | 'custom.env'; file: string }>();
  for (const dir of [...new Set(roles.map(envFileDirectory).filter((d): d is string => !!d))]) {
    for (const name of ['factory.env', 'custom.env'] as const) {
      const file = path.posix.join(dir, name);
      const text = snapshot.files[file];
      if (text === null || text === undefined) continue;
      const entries = parseEnvFile(text);
      envFiles.push({ path: file, keys: entries.map(([k]) => ({ name: k, secret: isSecretName(k) })) });
      for (const [key, value] of entries) {
        fileValues.set(key, { value, origin: name, file });
        if (isSecretName(key) && value !== '') secrets.push({ name: key, where: where(file), variable: secretVariable(key), digest: digest(value) });
      }
    }
  }

  // --- containers: catalogue services, by project ---------------------------------------------
  const candidates: { c: ContainerInspect; def: ServiceDefinition; compose?: { project: string; service: string } }[] = [];
  /** XiVO's own containers of a service we deploy only on request (its configmgt): XiVO is there. */
  let xivosOwn = 0;
  for (const c of snapshot.containers) {
    const labels = c.Config.Labels ?? {};
    if (labels[COMPOSE_ONEOFF_LABEL] === 'True') {
      leftAlone.push({ name: nameOf(c), image: c.Config.Image, reason: 'a one-off Compose container (docker-compose run)' });
      continue;
    }
    // discover's own helpers, left by an interrupted run.
    if (labels[DISCOVER_LABEL] !== undefined) continue;
    const found = serviceOf(c, roles);
    if (found?.def.optIn) {
      xivosOwn++;
      leftAlone.push({
        name: nameOf(c),
        image: c.Config.Image,
        reason: `XiVO's own ${found.def.name} (${found.def.id} stays opt-in: enabled: true deploys ours instead)`,
      });
    } else if (found) {
      candidates.push({ c, ...found });
    } else {
      const compose = labels[COMPOSE_PROJECT_LABEL]
        ? ` (Compose project ${labels[COMPOSE_PROJECT_LABEL]}, service ${labels[COMPOSE_SERVICE_LABEL]})`
        : '';
      leftAlone.push({
        name: nameOf(c),
        image: c.Config.Image,
        reason: `not a service of the catalogue for role ${roles.join(', ')}${compose}: it stays under the operator's own tools`,
      });
    }
  }
  // Catalogue order: the start order, and the order messages list services in.
  candidates.sort((a, b) => SERVICES.indexOf(a.def) - SERVICES.indexOf(b.def));
  const projects = [...new Set(candidates.map((k) => k.compose?.project).filter((p): p is string => !!p))].sort();
  let chosen = candidates;
  if (target.project) {
    chosen = candidates.filter((k) => k.compose?.project === target.project);
    for (const k of candidates.filter((x) => !chosen.includes(x)))
      leftAlone.push({ name: nameOf(k.c), image: k.c.Config.Image, reason: `not in Compose project ${target.project} (--project)` });
  } else if (projects.length > 1) {
    throw new DiscoverError(
      REFUSALS.twoProjects(
        server,
        projects.map((p) => ({ name: p, services: candidates.filter((k) => k.compose?.project === p).map((k) => k.def.name) })),
      ),
    );
  }
  const byService = new Map<ServiceId, typeof chosen>();
  for (const k of chosen) byService.set(k.def.id, [...(byService.get(k.def.id) ?? []), k]);
  for (const [id, list] of byService)
    if (list.length > 1)
      throw new DiscoverError(
        REFUSALS.twoContainers(
          server,
          id,
          list.map((k) => nameOf(k.c)),
        ),
      );

  if (chosen.length === 0 && envFiles.length === 0 && xivosOwn === 0) {
    const dirs = roles.map(envFileDirectory).filter((d): d is string => !!d);
    throw new DiscoverError(
      REFUSALS.noXivo(
        server,
        snapshot.host,
        roles,
        roles.flatMap((r) => servicesOfRole(r).map((d) => d.name)),
        dirs.flatMap((d) => [`${d}/factory.env`, `${d}/custom.env`]),
      ),
    );
  }

  // --- release ------------------------------------------------------------------------------
  // XiVO's own containers (left alone) tell the release of a server where we adopt nothing (the PBX).
  const xivoImages = snapshot.containers
    .filter((c) => parseImageReference(c.Config.Image).repository.split('/').includes(XIVO_NAMESPACE))
    .map((c) => c.Config.Image);
  const release = findRelease(
    target,
    fileValues,
    chosen.length ? chosen.filter((k) => k.def.tag.kind === 'release').map((k) => k.c.Config.Image) : xivoImages,
  );
  // Tags are compared with the release the environment file will say: the file's, or the one found.
  const tagBase = target.environment
    ? { version: resolveRelease(target.environment.release)?.release.version ?? target.environment.release, dist: target.environment.dist }
    : release;

  // --- registry: the prefix every adopted image shares before its catalogue repository ----------
  const prefixes = chosen.map((k) => {
    const { repository } = parseImageReference(k.c.Config.Image);
    return repository.endsWith(`/${k.def.image}`) ? repository.slice(0, -(k.def.image.length + 1)) : repository === k.def.image ? '' : undefined;
  });
  const shared = prefixes.every((p) => p !== undefined && p === prefixes[0]) ? prefixes[0] : undefined;
  const registry = target.environment ? target.environment.registry : shared || undefined;

  // --- network: the one the adopted containers share -------------------------------------------
  const networkCounts = new Map<string, number>();
  for (const k of chosen) for (const n of Object.keys(k.c.NetworkSettings.Networks ?? {})) networkCounts.set(n, (networkCounts.get(n) ?? 0) + 1);
  const adoptNetwork = [...networkCounts.entries()]
    .filter(([n]) => !['bridge', 'host', 'none'].includes(n))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];

  // --- public names ---------------------------------------------------------------------------
  const publicNames: Partial<Record<PublicName, string>> = {};
  const publicSources = new Map<PublicName, string>();
  for (const role of roles) {
    for (const [key, name] of publicNameKeys(role)) {
      const value = fileValues.get(key)?.value ?? chosen.map((k) => envOf(k.c.Config.Env).get(key)).find((v) => v !== undefined);
      if (value === undefined || value === '' || publicNames[name] !== undefined) continue;
      publicNames[name] = value;
      publicSources.set(name, fileValues.get(key)?.file ?? 'the containers');
    }
  }
  for (const [name, value] of Object.entries(target.publicNames ?? {}) as [PublicName, string][]) {
    const found = publicNames[name];
    if (found !== undefined && found !== value) {
      findings.push({
        level: 'warning',
        subject: `publicNames.${name}`,
        text: `is ${value} (given), the host says ${found} (${publicSources.get(name)}): the first deploy writes ${value} there`,
      });
    }
    publicNames[name] = value;
  }
  for (const name of [PublicName.XUC_HOST, PublicName.UC_ADDON_HOST]) {
    const value = publicNames[name];
    if (value !== undefined && IPV4.test(value) && !target.publicNames?.[name]) {
      throw new DiscoverError(REFUSALS.xucHostAddress('XUC_HOST', value, publicSources.get(name) ?? 'the containers', name));
    }
  }

  // --- each adopted service -------------------------------------------------------------------
  const auth: ServerDiscovery['auth'] = {};
  const xucCredentials: ServerDiscovery['xucCredentials'] = {};
  const adopted: AdoptedService[] = [];
  const uncarried = new Map<string, string[]>();
  for (const k of chosen) {
    adopted.push(
      mapContainer(snapshot, k, {
        server,
        release: tagBase,
        registry,
        adoptNetwork,
        publicNames,
        fileValues,
        findings,
        secrets,
        auth,
        xucCredentials,
        others: chosen,
        uncarried,
      }),
    );
  }
  for (const [key, holders] of uncarried) {
    findings.push({
      level: 'warning',
      subject: key,
      text: `names a secret that no Terraform variable of this project carries (in ${holders.join(', ')}): not written; each container keeps it until its first replacement, which starts without it (mount a file of the host read-only to give it back)`,
    });
  }
  const services: Partial<Record<ServiceId, ServiceOverrideOut>> = {};
  const created: ServiceId[] = [];
  for (const role of roles) {
    for (const def of servicesOfRole(role)) {
      const found = adopted.find((a) => a.def.id === def.id);
      if (found) services[def.id] = found.override;
      else if (def.optIn) continue;
      else if (def.optional) services[def.id] = { enabled: false };
      else created.push(def.id);
    }
  }
  for (const id of created)
    findings.push({ level: 'warning', subject: id, text: `not found on the host: the first deploy creates it (${id} is required)` });
  if (adoptNetwork && [...networkCounts.keys()].some((n) => n !== adoptNetwork)) {
    const others = [...networkCounts.keys()].filter((n) => n !== adoptNetwork);
    findings.push({
      level: 'warning',
      subject: 'network',
      text: `adopted containers are also on ${others.join(', ')}: a replacement joins only ${adoptNetwork}`,
    });
  }
  if (adopted.some((a) => a.def.id.endsWith('.nginx'))) {
    findings.push({
      level: 'warning',
      subject: 'certificates',
      text: "the first deploy writes the front certificate this project issues (tls.mode, default internal-ca) into /etc/docker/nginx/ssl: the running nginx keeps serving the one it loaded until it restarts; to keep the installation's certificate, set tls.mode: provided with its files",
    });
  }
  return {
    server,
    host: snapshot.host,
    roles,
    release,
    registry,
    adoptNetwork,
    publicNames,
    auth,
    xucCredentials,
    services,
    adopted,
    created,
    leftAlone,
    envFiles,
    secrets,
    findings,
  };
}

function findRelease(
  target: DiscoverTarget,
  fileValues: ReadonlyMap<string, { value: string; file: string }>,
  images: readonly string[],
): ServerDiscovery['release'] {
  let version: string | undefined;
  let dist: string | undefined;
  let source = '--release';
  if (target.release) {
    version = target.release;
  } else if (fileValues.get('XIVOCC_TAG')) {
    const tag = fileValues.get('XIVOCC_TAG')!;
    // XIVOCC_TAG may carry a patch level (2024.05.02): the release is its YYYY.NN.
    version = /^(\d{4}\.\d{2})/.exec(tag.value)?.[1] ?? tag.value;
    source = `XIVOCC_TAG in ${tag.file}`;
    dist = fileValues.get('XIVOCC_DIST')?.value;
  } else {
    const counts = new Map<string, number>();
    for (const image of images) {
      const m = RELEASE_TAG.exec(parseImageReference(image).tag);
      if (m) counts.set(`${m[1]} ${m[2]}`, (counts.get(`${m[1]} ${m[2]}`) ?? 0) + 1);
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (best) [version, dist] = best.split(' ');
    source = 'image tags';
  }
  if (!version) throw new DiscoverError(REFUSALS.noRelease(target.server));
  const resolved = resolveRelease(version);
  if (!resolved) throw new DiscoverError(REFUSALS.unknownRelease(target.server, version, source, releaseList()));
  if (!dist) {
    const tags = images.map((image) => parseImageReference(image).tag).filter((t) => t.startsWith(`${resolved.release.version}.`));
    dist = tags[0]?.slice(resolved.release.version.length + 1) ?? DEFAULT_DIST;
  }
  return {
    version: resolved.release.version,
    dist,
    source,
    assumedFrom: resolved.assumedFrom ? describeRelease(resolved.assumedFrom) : undefined,
  };
}

interface MappingContext {
  readonly server: string;
  /** The release and dist image tags are compared with. */
  readonly release: { readonly version: string; readonly dist: string };
  readonly registry?: string;
  readonly adoptNetwork?: string;
  readonly publicNames: Partial<Record<PublicName, string>>;
  readonly fileValues: ReadonlyMap<string, { value: string; origin: 'factory.env' | 'custom.env'; file: string }>;
  readonly findings: Finding[];
  readonly secrets: SecretFound[];
  readonly auth: ServerDiscovery['auth'];
  readonly xucCredentials: ServerDiscovery['xucCredentials'];
  readonly others: readonly { c: ContainerInspect; def: ServiceDefinition }[];
  /** Secret variables no Terraform variable carries, by name: the containers holding them. */
  readonly uncarried: Map<string, string[]>;
}

function mapContainer(
  snapshot: HostSnapshot,
  k: { c: ContainerInspect; def: ServiceDefinition; compose?: { project: string; service: string } },
  ctx: MappingContext,
): AdoptedService {
  const { c, def } = k;
  const name = nameOf(c);
  const note = (level: Finding['level'], text: string) => ctx.findings.push({ level, subject: `${def.id} (${name})`, text });
  const override: ServiceOverrideOut = {};

  // Image and tag.
  const reference = parseImageReference(c.Config.Image);
  let repository = reference.repository;
  if (ctx.registry && repository.startsWith(`${ctx.registry}/`)) repository = repository.slice(ctx.registry.length + 1);
  else if (ctx.registry)
    note('warning', `its image ${c.Config.Image} is not under the registry ${ctx.registry}: a replacement pulls ${ctx.registry}/${repository}`);
  if (repository !== def.image) override.image = repository;
  const expectedTag = def.tag.kind === 'release' ? `${ctx.release.version}.${ctx.release.dist}` : def.tag.tag;
  if (reference.tag !== expectedTag) override.tag = reference.tag;
  if (c.Config.Image.includes('@')) note('info', `created from a digest (${c.Config.Image}): the environment file names its tag`);
  const current = snapshot.tags[c.Config.Image];
  if (current && current !== c.Image) note('warning', `runs an older image than ${c.Config.Image} names now: a replacement starts the newer one`);

  // Ports.
  const bindings = c.HostConfig.PortBindings ?? {};
  const byName: Record<string, number | undefined> = {};
  const ports: Record<string, number> = {};
  for (const p of def.ports) {
    const found = bindings[`${p.internal}/${p.protocol ?? 'tcp'}`]?.[0];
    const hostPort = found?.HostPort ? Number(found.HostPort) : undefined;
    byName[p.name] = hostPort;
    if (hostPort !== undefined && hostPort !== p.published) ports[p.name] = hostPort;
    if (hostPort === undefined && p.published !== undefined)
      note('warning', `port ${p.internal}/${p.protocol ?? 'tcp'} ("${p.name}") is not published: a replacement publishes it on ${p.published}`);
    if (found?.HostIp && !['0.0.0.0', '::'].includes(found.HostIp))
      note('warning', `port "${p.name}" is published on ${found.HostIp} only: a replacement publishes it on every address`);
  }
  const others = Object.keys(bindings)
    .filter((key) => (bindings[key] ?? []).length && !def.ports.some((p) => key === `${p.internal}/${p.protocol ?? 'tcp'}`))
    .sort()
    .map((key) => `${key} published on ${bindings[key]![0].HostPort}`);
  for (const other of others) note('warning', `${other}: not a port of the catalogue's ${def.id}; a replacement does not publish it`);
  if (Object.keys(ports).length) override.ports = ports;

  // Memory and restart policy: compared by Terraform itself, so written as found.
  const memory = Math.round((c.HostConfig.Memory ?? 0) / MIB);
  if (memory !== (def.memoryMb ?? 0)) override.memoryMb = memory > 0 && memory < 64 ? 64 : memory;
  if (memory > 0 && memory < 64)
    note('warning', `memory limit ${memory} MiB is below the 64 MiB an environment file accepts: written 64, applied in place by the first deploy`);
  if (memory > 0 && (c.HostConfig.MemorySwap ?? 0) !== 2 * memory * MIB)
    note('warning', 'its swap limit is not twice its memory: the first deploy updates it in place to twice the memory');
  const restart = (c.HostConfig.RestartPolicy?.Name || 'no') as ServiceOverrideOut['restart'];
  if (restart !== DEFAULT_RESTART) override.restart = restart;
  if ((c.HostConfig.RestartPolicy?.MaximumRetryCount ?? 0) > 0)
    note('warning', 'its on-failure retry count is not kept: Terraform plans it as an update');

  // Volumes: the catalogue's are adopted; other mounts kept where the rules allow (checked later by the loader).
  const mounts: Record<string, string> = {};
  const adoptVolumes: Record<string, string> = {};
  const volumes: NonNullable<ServiceOverrideOut['volumes']> = [];
  for (const m of c.Mounts ?? []) {
    mounts[m.Destination] = m.Type === 'volume' ? `volume ${m.Name}` : `${m.Type} ${m.Source}`;
    const catalogue = def.volumes.find((v) => v.containerPath === m.Destination);
    if (catalogue && m.Type === 'volume' && m.Name) adoptVolumes[catalogue.name] = m.Name;
    else if (catalogue) throw new DiscoverError(REFUSALS.dataInBindMount(ctx.server, def.id, name, m.Source, m.Destination));
    else if (m.Type === 'volume' && m.Name && /^[0-9a-f]{64}$/.test(m.Name))
      note('info', `anonymous volume at ${m.Destination} (declared by the image): a replacement gets a new one`);
    else if (m.Type === 'volume' && m.Name) volumes.push({ volume: m.Name, containerPath: m.Destination, ...(m.RW ? {} : { readOnly: true }) });
    else if (m.Type === 'bind') volumes.push({ hostPath: m.Source, containerPath: m.Destination, readOnly: !m.RW });
  }
  for (const v of def.volumes.filter((x) => !adoptVolumes[x.name])) {
    note(
      v.persistent ? 'warning' : 'info',
      `no volume at ${v.containerPath} (catalogue volume "${v.name}"): a replacement mounts a new empty volume there`,
    );
  }
  if (Object.keys(adoptVolumes).length) override.adoptVolumes = adoptVolumes;
  if (volumes.length) override.volumes = volumes;

  // Networks, logging, health check, state: what a replacement changes.
  const networks = c.NetworkSettings.Networks ?? {};
  const aliases = [
    ...new Set((ctx.adoptNetwork ? (networks[ctx.adoptNetwork]?.Aliases ?? []) : []).filter((a) => a !== name && !c.Id.startsWith(a))),
  ].sort();
  if (ctx.adoptNetwork && !networks[ctx.adoptNetwork]) note('warning', `not on ${ctx.adoptNetwork}: a replacement joins it`);
  const logging = c.HostConfig.LogConfig;
  if (logging && logging.Type !== 'json-file')
    note('info', `logs through ${logging.Type}: a replacement uses json-file with rotation (logging section)`);
  if (!c.State.Running) note('warning', `is ${c.State.Status}: adopted as it is; a replacement starts it`);
  override.adoptContainer = { name, id: c.Id, ...(aliases.length ? { aliases } : {}) };

  // Environment.
  const { env, origins, envNames } = mapEnv(snapshot, k, ctx, note);
  if (Object.keys(env).length) override.env = env;
  return {
    def,
    container: c,
    name,
    compose: k.compose,
    image: { registry: ctx.registry, repository, tag: reference.tag },
    override,
    envOrigins: origins,
    envNames,
    ports: { byName, others },
    mounts,
  };
}

/** Keys of xuc's composed variables that map to settings of the environment file. */
function mapXucSettings(
  id: ServiceId,
  key: string,
  value: string,
  ctx: MappingContext,
  note: (level: Finding['level'], text: string) => void,
): boolean {
  if (!id.endsWith('.xuc')) return false;
  const set = <K extends keyof ServerDiscovery['auth']>(k: K, v: ServerDiscovery['auth'][K]) => {
    if (ctx.auth[k] !== undefined && JSON.stringify(ctx.auth[k]) !== JSON.stringify(v))
      note('warning', `${key} differs between the xuc of this server: kept the first value found`);
    else ctx.auth[k] = v;
  };
  if (key === 'LOGIN_TIMEOUT_MS' && /^\d+$/.test(value)) {
    if (Number(value) !== DEFAULT_LOGIN_TIMEOUT_MS) set('loginTimeoutMs', Number(value));
    return true;
  }
  if (key === 'AUTH_PREVENT_XUC_LOGIN' && /^(true|false)$/.test(value)) {
    if (value === 'false') set('allowXucUserLogin', true);
    return true;
  }
  if (key === 'JAVA_OPTS') {
    const options = value.split(/\s+/).filter(Boolean);
    const heapMin = options.find((o) => /^-Xms\d+[kmgKMG]$/.test(o))?.slice(4);
    const heapMax = options.find((o) => /^-Xmx\d+[kmgKMG]$/.test(o))?.slice(4);
    const extraOptions = options.filter((o) => !/^-Xm[sx]/.test(o));
    const jvm = {
      ...(heapMin && heapMin !== DEFAULT_XUC_HEAP.min ? { heapMin } : {}),
      ...(heapMax && heapMax !== DEFAULT_XUC_HEAP.max ? { heapMax } : {}),
      ...(extraOptions.length ? { extraOptions } : {}),
    };
    if (Object.keys(jvm).length) set('jvm', jvm);
    return true;
  }
  const credential = (Object.keys(XUC_CREDENTIALS) as XucCredential[]).find(
    (cr) => XUC_CREDENTIALS[cr].env === key && XUC_CREDENTIALS[cr].defaultValue !== undefined,
  );
  if (credential) {
    const user = credential as 'ctiUser' | 'webServicesUser' | 'amiUser';
    if (value !== XUC_CREDENTIALS[credential].defaultValue) ctx.xucCredentials[user] = value;
    return true;
  }
  return false;
}

/** Whether a composed value names the same service: its container name, an alias, or its server's address. */
function sameEndpoint(value: string, target: ServiceId, ctx: MappingContext): boolean {
  const other = ctx.others.find((o) => o.def.id === target);
  if (!other) return false;
  const networks = other.c.NetworkSettings.Networks ?? {};
  const names = [nameOf(other.c), ...Object.values(networks).flatMap((n) => n.Aliases ?? [])];
  return names.includes(value);
}

function mapEnv(
  snapshot: HostSnapshot,
  k: { c: ContainerInspect; def: ServiceDefinition },
  ctx: MappingContext,
  note: (level: Finding['level'], text: string) => void,
): { env: Record<string, string>; origins: Record<string, EnvOrigin>; envNames: string[] } {
  const { c, def } = k;
  const name = nameOf(c);
  const image = envOf(snapshot.images[c.Image]?.Config?.Env);
  const env: Record<string, string> = {};
  const origins: Record<string, EnvOrigin> = {};
  const envNames: string[] = [];
  for (const [key, value] of envOf(c.Config.Env)) {
    if (image.get(key) === value) continue;
    envNames.push(key);
    if (isSecretName(key)) {
      const variable = secretVariable(key);
      if (value !== '') ctx.secrets.push({ name: key, where: `server "${ctx.server}" (container ${name})`, variable, digest: digest(value) });
      if (!variable) ctx.uncarried.set(key, [...(ctx.uncarried.get(key) ?? []), name]);
      continue;
    }
    const source = def.env[key];
    if (source?.kind === 'public') {
      const expected = ctx.publicNames[source.name];
      if (expected === value) continue;
      note('warning', `${key} is "${value}" while publicNames.${source.name} is "${expected ?? '(unset)'}": kept as an override of this service`);
    } else if (source?.kind === 'literal' && source.value === value) {
      continue;
    } else if (
      source?.kind === 'endpoint' &&
      (source.part === 'host'
        ? sameEndpoint(value, source.service, ctx)
        : source.part === 'port' && ctx.others.some((o) => o.def.id === source.service && o.def.ports[0]?.internal === Number(value)))
    ) {
      // The composed value reaches the same container (its name instead of its Compose alias).
      continue;
    }
    if (mapXucSettings(def.id, key, value, ctx, note)) continue;
    const file = ctx.fileValues.get(key);
    origins[key] = file && file.value === value ? file.origin : 'container';
    env[key] = value;
  }
  return { env, origins, envNames: envNames.sort() };
}
