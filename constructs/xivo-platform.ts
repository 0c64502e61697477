/**
 * XivoPlatform: one XiVO platform (an environment): its release, the names users open, and the
 * registry of which server runs which service, filled by the constructs themselves as they are
 * built (each XivoServer registers itself, each ServiceContainer its service). It answers what a
 * service needs to know about the rest of the platform, at synth, once everything is built:
 * - where a service is reached from a server (constructs/platform-rules.ts `reach`: same server,
 *   the container's alias and internal port; another server, its address and published port);
 * - the public names, given or derived from placement (XIVO_HOST: the PBX's DNS name or address...);
 * - every internal name a browser must never see (the edge proxy's default hidden names).
 *
 * Like aws-ecs-patterns' cluster or cdk8s-plus' ingress, services are wired by reference: nobody
 * types an alias, an address or a port.
 */
import { Construct } from 'constructs';
import { containerName, serviceDefinition } from '../catalogue/services';
import { PublicName, Role, ServiceDefinition, ServiceId } from '../catalogue/types';
import { ValidationError } from './errors';
import { DEFAULT_LOG_ROTATION, derivePublicNames, Endpoint, LogRotation, PlacedServer, reach, startTier } from './platform-rules';

/** Every role whose services run on one server of a platform (an MDS role runs on each of its servers). */
const ONE_SERVER_ROLES: ReadonlySet<Role> = new Set([Role.XIVO, Role.CC, Role.UC_ADDON, Role.EDGE]);

/** A server as the platform registers it (XivoServer). */
export interface PlatformServer extends PlacedServer {
  /** Server name: the `org.xivo.server` label. */
  readonly serverName: string;
  /** Roles the server carries. */
  readonly roles: readonly Role[];
  /** Its stack name (`<environment>-<server>`), an internal name too. */
  readonly stackName: string;
}

/** A running service as the platform registers it (ServiceContainer). */
export interface PlatformService {
  /** The catalogue service. */
  readonly definition: ServiceDefinition;
  /** Container name: its network alias. */
  readonly name: string;
  /** The server it runs on. */
  readonly server: PlatformServer;
  /** Published host ports by port name, over the catalogue's. */
  readonly publishedPorts: Readonly<Record<string, number>>;
}

/** What a service on one server asks the platform: public names, and where another service is reached from there. */
export interface PlatformDirectory {
  /** The value of a public name (`XIVO_HOST`...). @returns undefined when the platform has none */
  publicName(name: PublicName): string | undefined;
  /**
   * Where a port of a service is reached from this server.
   * @param port the port's catalogue name; undefined for the service's first port
   * @returns undefined when the platform does not run the service
   */
  endpoint(service: ServiceId, port?: string): Endpoint | undefined;
}

export interface XivoPlatformProps {
  /** XiVO release version (e.g. `2024.10.00`): the `org.xivo.release` label and the image tags. */
  readonly release: string;
  /** `<dist>` part of release tags (`<release>.<dist>`). @default 'latest' */
  readonly dist?: string;
  /** Registry mirror prefixed to every image. @default none: images are named as in the catalogue */
  readonly registry?: string;
  /**
   * Image of the helpers (host-file writers and the one-shot jobs that run as root on each host),
   * used as written: pin it by digest (`name@sha256:...`), or give an image you build and name.
   * @default catalogue HOST_FILE_HELPER_IMAGE (busybox by digest), behind `registry`
   */
  readonly helperImage?: string;
  /** Docker log rotation of every container. @default DEFAULT_LOG_ROTATION (50m, 5 files) */
  readonly logging?: LogRotation;
  /**
   * Public names. `xucHost` (and `ucAddonHost` with a UC-Addon) are the names users open; the others
   * are derived when not given: `xivoHost` is the PBX server's DNS name or address, the recording
   * and reporting hosts the addresses of the servers running them. @default none given
   */
  readonly publicNames?: Readonly<Partial<Record<PublicName, string>>>;
}

export class XivoPlatform extends Construct {
  /** Environment name: the `org.xivo.environment` label, the stacks' prefix and the runbooks' directory. */
  readonly environment: string;
  readonly release: string;
  readonly dist?: string;
  readonly registry?: string;
  readonly helperImage?: string;
  readonly logging: LogRotation;
  private readonly givenNames: Readonly<Partial<Record<PublicName, string>>>;
  private readonly serverList: PlatformServer[] = [];
  private readonly serviceList: PlatformService[] = [];
  private readonly internalNameSources: (() => readonly string[])[] = [];

  /** @param id the environment name */
  constructor(scope: Construct, id: string, props: XivoPlatformProps) {
    super(scope, id);
    this.environment = id;
    this.release = props.release;
    this.dist = props.dist;
    this.registry = props.registry;
    this.helperImage = props.helperImage;
    this.logging = props.logging ?? DEFAULT_LOG_ROTATION;
    this.givenNames = props.publicNames ?? {};
  }

  /** The servers, in the order they were built. */
  get servers(): readonly PlatformServer[] {
    return [...this.serverList];
  }

  /** The services running on the platform, in the order they were built. */
  get services(): readonly PlatformService[] {
    return [...this.serviceList];
  }

  /** The servers in XiVO's start order (the PBX, the MDS, XiVO CC and the UC-Addon, the edge); built order within a tier. */
  deployOrder(): PlatformServer[] {
    return [...this.serverList].sort((a, b) => startTier(a.roles) - startTier(b.roles));
  }

  /** The servers carrying `role`, in the order they were built. */
  serversWithRole(role: Role): PlatformServer[] {
    return this.serverList.filter((s) => s.roles.includes(role));
  }

  /** Where a catalogue service runs. @returns undefined when no server runs it */
  serviceOf(id: ServiceId): PlatformService | undefined {
    return this.serviceList.find((s) => s.definition.id === id);
  }

  /** Registers a server (XivoServer does, when it is built). */
  addServer(server: PlatformServer): void {
    this.serverList.push(server);
  }

  /**
   * Registers a running service (ServiceContainer does, when it is built): a service of XiVO, XiVO CC, the UC-Addon or the edge runs
   * on one server.
   */
  addService(service: PlatformService, scope: Construct): void {
    const other = this.serviceOf(service.definition.id);
    if (other && ONE_SERVER_ROLES.has(service.definition.role)) {
      throw new ValidationError(
        `${service.definition.id} already runs on server "${other.server.serverName}": a service of role "${service.definition.role}" runs on exactly one server of the platform`,
        scope,
      );
    }
    this.serviceList.push(service);
  }

  /** Adds names a browser must never see (a directory or Kerberos server of an authentication mode), read at synth. */
  addInternalNames(names: () => readonly string[]): void {
    this.internalNameSources.push(names);
  }

  /** The value of a public name: given, else derived from where the services run. @returns undefined when the platform has none */
  publicName(name: PublicName): string | undefined {
    const recording = this.serviceOf('cc.recording-server');
    const reporting = this.serviceOf('cc.spagobi');
    const recordingDef = serviceDefinition('cc.recording-server');
    return derivePublicNames(this.givenNames, {
      pbx: this.serversWithRole(Role.XIVO)[0],
      recording: recording?.server,
      recordingPort: recording?.publishedPorts.http ?? recordingDef.ports.find((p) => p.name === 'http')?.published,
      reporting: reporting?.server,
    })[name];
  }

  /**
   * Where `from` reaches a port of a service (constructs/platform-rules.ts `reach`).
   * @param portName the port's catalogue name; @default its first port
   * @returns undefined when the platform does not run the service and XiVO does not serve it itself
   */
  endpoint(from: PlatformServer, service: ServiceId, portName?: string): Endpoint | undefined {
    const running = this.serviceOf(service);
    const target = running && { server: running.server, containerName: running.name, publishedPorts: running.publishedPorts };
    return reach<PlatformServer>(serviceDefinition(service), from, target, this.serversWithRole(Role.XIVO)[0], portName);
  }

  /** The platform as `server` sees it. */
  directoryOf(server: PlatformServer): PlatformDirectory {
    return { publicName: (name) => this.publicName(name), endpoint: (service, port) => this.endpoint(server, service, port) };
  }

  /**
   * Every internal name and address a browser must never see, sorted: the public names, the
   * servers' addresses, DNS names and stacks (their Docker networks), the container names (the
   * network aliases), and the names the services add (the directory and Kerberos servers).
   * Port numbers are left out.
   */
  internalNames(): string[] {
    const publicNames = Object.values(PublicName).map((n) => this.publicName(n));
    const names = [
      ...publicNames,
      ...this.serverList.flatMap((s) => [s.address, s.fqdn, s.stackName]),
      ...this.serviceList.flatMap((s) => [containerName(s.definition), s.name]),
      ...this.internalNameSources.flatMap((source) => source()),
    ].filter((n): n is string => !!n && !/^\d+$/.test(n));
    return [...new Set(names)].sort();
  }
}
