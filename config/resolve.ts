/**
 * Turns a schema-valid environment file into the resolved model, once: which service runs where,
 * the public names derived from placement (constructs/platform-rules.ts, the rule the constructs
 * apply too), and the `auth`, `tls`, `edge` and `xucCredentials` sections with their defaults
 * applied. Problems are returned, not thrown, so that every error of every file is reported at once.
 * Loads no cdktf: the defaults come from the constructs' pure modules.
 */
import * as path from 'path';
import { resolveRelease } from '../catalogue/releases';
import { DEFAULT_XUC_HEAP, findService, serviceDefinition, SERVICES, servicesOfRole, UNIQUE_ROLES } from '../catalogue/services';
import { Role, ServiceDefinition, ServiceId } from '../catalogue/types';
import { XUC_CREDENTIALS, XucCredential } from '../catalogue/xuc-credentials';
import { DEFAULT_LOG_ROTATION, derivePublicNames, publishedPortOf } from '../constructs/platform-rules';
import {
  DEFAULT_KERBEROS_ENCRYPTION_TYPES,
  DEFAULT_LOGIN_TIMEOUT_MS,
  DEFAULT_OIDC_USERNAME_FIELD,
  DEFAULT_OUTBOUND_LENGTH,
} from '../constructs/xuc/xuc-defaults';
import { namedInputFiles } from './named-files';
import { AuthModel, Environment, ServerModel, XucCredentialsModel } from './model';
import type { Problem } from './rule';
import { EnvironmentFile, ServiceOverride } from './schema';
import { tlsSchema } from './schema-tls';
import { echo } from './messages';

export interface Resolution {
  readonly environment: Environment;
  readonly problems: Problem[];
}

/** Opt-in services (`optIn`) only with `enabled: true`; the others unless `enabled: false`. */
const isEnabled = (spec: EnvironmentFile, def: ServiceDefinition) => spec.services?.[def.id]?.enabled ?? !def.optIn;

/** Decides which server runs each service of the unique roles (explicit `services` first, then the one server without a list). */
function place(spec: EnvironmentFile, problems: Problem[]): Map<number, ServiceDefinition[]> {
  const placed = new Map<number, ServiceDefinition[]>(spec.servers.map((_, i) => [i, []]));
  const claimedBy = new Map<ServiceId, number>();

  spec.servers.forEach((server, i) => {
    (server.services ?? []).forEach((id, j) => {
      const def = findService(id);
      const at = ['servers', i, 'services', j];
      if (!def) {
        const known = server.roles.flatMap((r) => servicesOfRole(r).map((s) => s.id));
        problems.push({
          path: at,
          message: `"${echo(id)}" is not a known service; services of this server's roles: ${known.join(', ') || '(none)'}`,
        });
      } else if (!server.roles.includes(def.role)) {
        problems.push({
          path: at,
          message: `"${id}" belongs to role "${def.role}", which this server does not carry: add "${def.role}" to its roles or move the service`,
        });
      } else if (claimedBy.get(def.id) === i) {
        // Listed twice on this server: rules.ts (duplicateItems) says so.
      } else if (claimedBy.has(def.id)) {
        const other = spec.servers[claimedBy.get(def.id)!].name;
        problems.push({
          path: at,
          message: `"${id}" is already placed on server "${other}": a service of role "${def.role}" runs on exactly one server`,
        });
      } else {
        claimedBy.set(def.id, i);
        if (isEnabled(spec, def)) placed.get(i)!.push(def);
      }
    });
  });

  for (const role of [Role.CC, Role.UC_ADDON, Role.EDGE, Role.XIVO, Role.MDS]) {
    const carriers = spec.servers.map((s, i) => ({ s, i })).filter(({ s }) => s.roles.includes(role));
    if (!UNIQUE_ROLES.has(role)) {
      // Per-server role (MDS): every carrier runs every service of the role.
      for (const { i } of carriers) placed.get(i)!.push(...servicesOfRole(role).filter((d) => isEnabled(spec, d)));
      continue;
    }
    const implicit = carriers.filter(({ s }) => !s.services?.some((id) => findService(id)?.role === role));
    if (implicit.length > 1) {
      const names = implicit.map(({ s }) => `"${s.name}"`).join(' and ');
      for (const { i } of implicit.slice(1)) {
        problems.push({
          path: ['servers', i, 'roles'],
          message: `role "${role}" is on servers ${names} and neither lists its services: list under "services" which ${role} services each server runs (e.g. services: [${role}.xuc])`,
        });
      }
    }
    if (implicit.length >= 1) {
      const rest = servicesOfRole(role).filter((d) => !claimedBy.has(d.id) && isEnabled(spec, d));
      placed.get(implicit[0].i)!.push(...rest);
      rest.forEach((d) => claimedBy.set(d.id, implicit[0].i));
    } else if (carriers.length > 0) {
      for (const def of servicesOfRole(role)) {
        if (!claimedBy.has(def.id) && isEnabled(spec, def)) {
          problems.push({
            path: ['servers'],
            message: `service "${def.id}" is placed on no server: add it to the "services" of one ${role} server, or set services["${def.id}"].enabled: false${def.optional ? '' : ' (not allowed: it is required)'}`,
          });
        }
      }
    }
  }
  return placed;
}

export function resolve(spec: EnvironmentFile, file: string): Resolution {
  const problems: Problem[] = [];
  const placedByIndex = place(spec, problems);

  const servers: ServerModel[] = spec.servers.map((s, i) => ({
    name: s.name,
    stackName: `${spec.name}-${s.name}`,
    address: s.address,
    fqdn: s.fqdn,
    docker: s.docker,
    roles: [...new Set(s.roles)],
    services: sortByCatalogue(placedByIndex.get(i)!),
    adoptNetwork: s.adoptNetwork,
    debian: s.debian,
  }));
  const placement = new Map<ServiceId, ServerModel>();
  for (const server of servers) for (const def of server.services) if (def.role !== Role.MDS) placement.set(def.id, server);

  const pbx = servers.find((s) => s.roles.includes(Role.XIVO));
  const placed = (server: ServerModel | undefined) => server && { address: server.address, fqdn: server.fqdn, dockerHost: server.docker.host };
  const names = spec.publicNames;
  const publicNames = derivePublicNames(
    { ...names, recordingServerPort: names.recordingServerPort === undefined ? undefined : String(names.recordingServerPort) },
    {
      pbx: placed(pbx),
      recording: placed(placement.get('cc.recording-server')),
      recordingPort: publishedPort(spec.services, 'cc.recording-server', 'http'),
      reporting: placed(placement.get('cc.spagobi')),
    },
  );

  const environment: Environment = {
    name: spec.name,
    file,
    directory: path.dirname(path.resolve(file)),
    // The schema accepted only known releases (or a newer version): by name or version, the version tags images.
    release: resolveRelease(spec.release)!.release.version,
    dist: spec.dist ?? 'latest',
    registry: spec.registry,
    helperImage: spec.helperImage,
    backend: spec.backend ?? { type: 'local' },
    logging: { maxSize: spec.logging?.maxSize ?? DEFAULT_LOG_ROTATION.maxSize, maxFile: spec.logging?.maxFile ?? DEFAULT_LOG_ROTATION.maxFile },
    publicNames,
    servers,
    placement,
    overrides: spec.services ?? {},
    auth: resolveAuth(spec),
    tls: spec.tls ?? tlsSchema.parse({}),
    edge: spec.edge,
    xucCredentials: resolveCredentials(spec),
    inputFiles: namedInputFiles(spec).map((f) => path.resolve(path.dirname(path.resolve(file)), f)),
  };
  return { environment, problems };
}

/** Host port of a service's named port, after the file's overrides (`services.<id>.ports`). */
export function publishedPort(overrides: Readonly<Record<string, ServiceOverride>> | undefined, id: ServiceId, portName: string): number | undefined {
  return publishedPortOf(serviceDefinition(id), portName, overrides?.[id]?.ports);
}

/** The `auth` section with its defaults, also when the file has none. */
function resolveAuth(spec: EnvironmentFile): AuthModel {
  const { xivo, loginTimeoutMs, allowXucUserLogin, jvm, kerberos, cas, oidc, outboundQueue, ...modes } = spec.auth ?? {};
  const xucHost = spec.publicNames.xucHost;
  return {
    ...modes,
    xivo: xivo ?? true,
    loginTimeoutMs: loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
    allowXucUserLogin: allowXucUserLogin ?? false,
    jvm: { heapMin: jvm?.heapMin ?? DEFAULT_XUC_HEAP.min, heapMax: jvm?.heapMax ?? DEFAULT_XUC_HEAP.max, extraOptions: jvm?.extraOptions ?? [] },
    kerberos: kerberos && {
      ...kerberos,
      principal: kerberos.principal ?? (xucHost === undefined ? undefined : `HTTP/${xucHost}`),
      encryptionTypes: kerberos.encryptionTypes ?? DEFAULT_KERBEROS_ENCRYPTION_TYPES,
    },
    cas: cas && { ...cas, logout: cas.logout ?? false },
    oidc: oidc && {
      ...oidc,
      xucClientIds: oidc.xucClientIds ?? [oidc.clientId],
      default: oidc.default ?? false,
      usernameField: oidc.usernameField ?? DEFAULT_OIDC_USERNAME_FIELD,
      logout: oidc.logout ?? false,
    },
    outboundQueue: outboundQueue && { ...outboundQueue, outboundLength: outboundQueue.outboundLength ?? DEFAULT_OUTBOUND_LENGTH },
  };
}

/** `xucCredentials` with the catalogue's user names and variable names where the file gives none. */
function resolveCredentials(spec: EnvironmentFile): XucCredentialsModel {
  const given = spec.xucCredentials;
  const credentials = Object.keys(XUC_CREDENTIALS) as XucCredential[];
  const named = given?.envNames ?? {};
  return {
    ctiUser: given?.ctiUser ?? XUC_CREDENTIALS.ctiUser.defaultValue!,
    webServicesUser: given?.webServicesUser ?? XUC_CREDENTIALS.webServicesUser.defaultValue!,
    amiUser: given?.amiUser ?? XUC_CREDENTIALS.amiUser.defaultValue!,
    envNames: Object.fromEntries(credentials.map((c) => [c, named[c] ?? XUC_CREDENTIALS[c].env])) as Record<XucCredential, string>,
    envNamesGiven: credentials.filter((c) => named[c] !== undefined),
  };
}

/** Catalogue order is the start order within a server. */
const ORDER = new Map<string, number>(SERVICES.map((s, i) => [s.id, i]));
function sortByCatalogue(defs: ServiceDefinition[]): ServiceDefinition[] {
  return [...new Set(defs)].sort((a, b) => ORDER.get(a.id)! - ORDER.get(b.id)!);
}
