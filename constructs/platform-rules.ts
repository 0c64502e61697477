/**
 * The platform's rules as plain functions (no cdktf), shared by the constructs (XivoPlatform answers
 * from the servers and services built) and by the config layer (which answers from the environment
 * model, for the rules, the runbooks and the firewall matrix): one rule, two sources of facts.
 *
 * - How one service reaches another: on the same server, the container's network alias and its
 *   internal port; on another server, that server's address and the published host port; a
 *   service XiVO serves itself (configmgt) at the PBX.
 * - The public names derived from where services run (XIVO_HOST, the recording server...).
 */
import { PublicName, Role, ServiceDefinition } from '../catalogue/types';

/** Docker's json-file log rotation of every container. */
export interface LogRotation {
  /** `max-size`, e.g. `50m`. */
  readonly maxSize: string;
  /** `max-file`. */
  readonly maxFile: number;
}

/** Log rotation when the platform gives none. */
export const DEFAULT_LOG_ROTATION: LogRotation = { maxSize: '50m', maxFile: 5 };

/**
 * Name by which a container reaches its own Docker host (Docker's `host-gateway`, 20.10+):
 * every container on a PBX host gets it as an extra host, for XiVO's own services.
 */
export const HOST_GATEWAY_NAME = 'host.docker.internal';

/** Where a service is reached from the caller's server. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** True when the target runs on the caller's server (reached over the server's Docker network). */
  readonly local: boolean;
}

/** A server as the rules see it. */
export interface PlacedServer {
  /** Address other servers reach it at. */
  readonly address: string;
  /** DNS name of the server. @default none */
  readonly fqdn?: string;
  /** Docker host URL as written (servers on one engine share it). */
  readonly dockerHost: string;
}

/** Where a service runs, as the rules see it. */
export interface PlacedService<S extends PlacedServer = PlacedServer> {
  readonly server: S;
  /** Container name: its network alias on its server. */
  readonly containerName: string;
  /** Published host ports by port name, over the catalogue's. @default the catalogue's */
  readonly publishedPorts?: Readonly<Record<string, number>>;
}

/** Host port of a service's named port: the operator's, else the catalogue's (undefined: not published). */
export function publishedPortOf(def: ServiceDefinition, portName: string, overrides?: Readonly<Record<string, number>>): number | undefined {
  return overrides?.[portName] ?? def.ports.find((p) => p.name === portName)?.published;
}

/**
 * Where `from` reaches a port of a service: same server, its alias and internal port; another
 * server, that server's address and the published port; not deployed but served by XiVO itself
 * (catalogue `servedByXivo`), the PBX (its host gateway from a container on the PBX's own engine).
 * @param target where the service runs; undefined when the platform does not run it
 * @param pbx the XiVO PBX server, if any
 * @param portName the target's port name; @default its first port
 * @returns undefined when nothing serves it, or when it has no such port (callers check port names)
 */
export function reach<S extends PlacedServer>(
  def: ServiceDefinition,
  from: S,
  target: PlacedService<S> | undefined,
  pbx: S | undefined,
  portName?: string,
): Endpoint | undefined {
  if (!target) {
    if (!def.servedByXivo || !pbx) return undefined;
    return { host: pbx.dockerHost === from.dockerHost ? HOST_GATEWAY_NAME : pbx.address, port: def.servedByXivo.port, local: false };
  }
  const port = portName ? def.ports.find((p) => p.name === portName) : def.ports[0];
  if (!port) return undefined;
  if (target.server === from) return { host: target.containerName, port: port.internal, local: true };
  return { host: target.server.address, port: publishedPortOf(def, port.name, target.publishedPorts) ?? port.internal, local: false };
}

/** What the derived public names are derived from. */
export interface PublicNameFacts {
  /** The XiVO PBX server. @default none */
  readonly pbx?: PlacedServer;
  /** The server running the recording server. @default none */
  readonly recording?: PlacedServer;
  /** Host port of the recording server's `http` port (published, or the catalogue's). @default none */
  readonly recordingPort?: number;
  /** The server running the reporting (SpagoBI). @default none */
  readonly reporting?: PlacedServer;
}

/**
 * Every public name: those given, else derived from placement: XIVO_HOST is the PBX's DNS name or
 * address, the recording and reporting hosts the addresses of the servers running them, the
 * recording port its published port. XUC_HOST and the UC-Addon's are never derived: they are the
 * names users open. A recording port without a recording host is left out.
 */
export function derivePublicNames(
  given: Readonly<Partial<Record<PublicName, string>>>,
  facts: PublicNameFacts,
): Record<PublicName, string | undefined> {
  const recordingHost = given[PublicName.RECORDING_SERVER_HOST] ?? facts.recording?.address;
  return {
    [PublicName.XIVO_HOST]: given[PublicName.XIVO_HOST] ?? facts.pbx?.fqdn ?? facts.pbx?.address,
    [PublicName.XUC_HOST]: given[PublicName.XUC_HOST],
    [PublicName.UC_ADDON_HOST]: given[PublicName.UC_ADDON_HOST],
    [PublicName.RECORDING_SERVER_HOST]: recordingHost,
    [PublicName.RECORDING_SERVER_PORT]:
      recordingHost === undefined ? undefined : (given[PublicName.RECORDING_SERVER_PORT] ?? String(facts.recordingPort ?? '')),
    [PublicName.REPORTING_HOST]: given[PublicName.REPORTING_HOST] ?? facts.reporting?.address,
  };
}

/** The host of `ldap://host:port`, `host:port` (a KDC) or a bare host: what a browser must not see of it. */
export function hostOfAddress(address: string): string {
  return address.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');
}

/** Start tier of a role, in XiVO's start order: the PBX, then the MDS, then XiVO CC and the UC-Addon, the edge last. */
const START_TIER: Readonly<Record<Role, number>> = {
  [Role.XIVO]: 0,
  [Role.MDS]: 1,
  [Role.CC]: 2,
  [Role.UC_ADDON]: 2,
  [Role.EDGE]: 3,
};

/** A server's start tier: its earliest role's. A server's stack waits for every stack of a lower tier. */
export function startTier(roles: readonly Role[]): number {
  return Math.min(...roles.map((r) => START_TIER[r]));
}

/**
 * Suffix of a key stack's name after its server's stack (`<env>-<server>-key`: the server's private
 * key and CSR, in a state of its own). Here, in a pure module, so that the synth cache's fast path
 * can name key stacks without loading cdktf.
 */
export const KEY_STACK_SUFFIX = '-key';
