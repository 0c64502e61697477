/**
 * Turns a schema-valid environment file into the resolved model: which service runs where,
 * and the public names derived from placement. Problems are returned, not thrown, so that
 * every error of every file is reported at once.
 */
import { DEFAULT_LOG_ROTATION } from '../constructs/deployment';
import * as path from 'path';
import { resolveRelease } from '../catalogue/releases';
import { findService, serviceDefinition, SERVICES, servicesOfRole, UNIQUE_ROLES } from '../catalogue/services';
import { PublicName, Role, ServiceDefinition, ServiceId } from '../catalogue/types';
import { Environment, ServerModel } from './model';
import type { Problem } from './rule';
import { EnvironmentFile } from './schema';

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
        problems.push({ path: at, message: `"${id}" is not a known service; services of this server's roles: ${known.join(', ') || '(none)'}` });
      } else if (!server.roles.includes(def.role)) {
        problems.push({ path: at, message: `"${id}" belongs to role "${def.role}", which this server does not carry: add "${def.role}" to its roles or move the service` });
      } else if (claimedBy.get(def.id) === i) {
        // Listed twice on this server: rules.ts (duplicateItems) says so.
      } else if (claimedBy.has(def.id)) {
        const other = spec.servers[claimedBy.get(def.id)!].name;
        problems.push({ path: at, message: `"${id}" is already placed on server "${other}": a service of role "${def.role}" runs on exactly one server` });
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
  }));
  const placement = new Map<ServiceId, ServerModel>();
  for (const server of servers) for (const def of server.services) if (def.role !== Role.MDS) placement.set(def.id, server);

  const pbx = servers.find((s) => s.roles.includes(Role.XIVO));
  const recording = placement.get('cc.recording-server');
  const reporting = placement.get('cc.spagobi');
  const names = spec.publicNames;
  const publicNames: Record<PublicName, string | undefined> = {
    [PublicName.XIVO_HOST]: names.xivoHost ?? pbx?.fqdn ?? pbx?.address,
    [PublicName.XUC_HOST]: names.xucHost,
    [PublicName.UC_ADDON_HOST]: names.ucAddonHost,
    [PublicName.RECORDING_SERVER_HOST]: names.recordingServerHost ?? recording?.address,
    [PublicName.RECORDING_SERVER_PORT]: String(names.recordingServerPort ?? publishedPort(spec, 'cc.recording-server', 'http') ?? ''),
    [PublicName.REPORTING_HOST]: names.reportingHost ?? reporting?.address,
  };
  if (!recording && !names.recordingServerHost) publicNames[PublicName.RECORDING_SERVER_PORT] = undefined;

  const environment: Environment = {
    name: spec.name,
    file,
    directory: path.dirname(path.resolve(file)),
    // The schema accepted only known releases (or a newer version): by name or version, the version tags images.
    release: resolveRelease(spec.release)!.release.version,
    dist: spec.dist ?? 'latest',
    registry: spec.registry,
    backend: spec.backend ?? { type: 'local' },
    logging: { maxSize: spec.logging?.maxSize ?? DEFAULT_LOG_ROTATION.maxSize, maxFile: spec.logging?.maxFile ?? DEFAULT_LOG_ROTATION.maxFile },
    publicNames,
    servers,
    placement,
    overrides: spec.services ?? {},
    spec,
  };
  return { environment, problems };
}

/** Host port of a service's named port, after environment overrides. */
export function publishedPort(spec: EnvironmentFile, id: ServiceId, portName: string): number | undefined {
  const port = serviceDefinition(id).ports.find((p) => p.name === portName);
  return spec.services?.[id]?.ports?.[portName] ?? port?.published;
}

/** Catalogue order is the start order within a server. */
const ORDER = new Map<string, number>(SERVICES.map((s, i) => [s.id, i]));
function sortByCatalogue(defs: ServiceDefinition[]): ServiceDefinition[] {
  return [...new Set(defs)].sort((a, b) => ORDER.get(a.id)! - ORDER.get(b.id)!);
}
