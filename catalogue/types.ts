/**
 * The vocabulary of the service catalogue: roles, services, ports, volumes and
 * how a service's environment variables are wired to the rest of the platform.
 */

/** A role a server can carry. One role is one XiVO product installed on that server. */
export enum Role {
  /** XiVO PBX ("Main"): Asterisk and the XiVO daemons, plus its Docker services. Exactly one per environment. */
  XIVO = 'xivo',
  /** A media server of an XDS. One per server carrying it; an environment may have many. */
  MDS = 'mds',
  /** XiVO CC (CTI and reporting server). Its services may be split over several servers. */
  CC = 'cc',
  /** UC-Addon: the UC applications without the contact-centre part. */
  UC_ADDON = 'ucaddon',
  /**
   * Edge reverse proxy in a DMZ, in front of the CC/UC front (see the Cisco community discussion "Using a Reverse Proxy between Agent
   * Browser and Finesse Servers").
   */
  EDGE = 'edge',
}

export const ALL_ROLES: readonly Role[] = [Role.XIVO, Role.MDS, Role.CC, Role.UC_ADDON, Role.EDGE];

/** Roles with a web front (xuc, xucmgt and the nginx HTTPS entry point): XiVO CC and UC-Addon. */
export type FrontRole = Role.CC | Role.UC_ADDON;

export const FRONT_ROLES: readonly FrontRole[] = [Role.CC, Role.UC_ADDON];

export function isFrontRole(role: Role): role is FrontRole {
  return (FRONT_ROLES as readonly Role[]).includes(role);
}

/**
 * Every service of the catalogue, `<role>.<service>`, in catalogue order (the start order on a server).
 * Listed here once so that a service id is a closed type: a misspelt id does not compile. The
 * catalogue's definitions (`SERVICES` in services.ts) must be exactly these, in this order; it
 * refuses to load otherwise.
 */
export const SERVICE_IDS = [
  'xivo.configmgt',
  'cc.pgxivocc',
  'cc.xivo-db-replication',
  'cc.xivo-full-stats',
  'cc.pack-reporting',
  'cc.spagobi',
  'cc.recording-server',
  'cc.elasticsearch',
  'cc.kibana',
  'cc.xuc',
  'cc.xucmgt',
  'cc.nginx',
  'edge.nginx',
  'ucaddon.xuc',
  'ucaddon.xucmgt',
  'ucaddon.nginx',
] as const;

/** A service id is `<role>.<service>`, e.g. `cc.xuc`. It is how environment files name a service. */
export type ServiceId = (typeof SERVICE_IDS)[number];

const KNOWN_SERVICE_IDS: ReadonlySet<string> = new Set(SERVICE_IDS);

/** Whether a string read from an environment file (or built from labels) names a catalogue service. */
export function isServiceId(candidate: string): candidate is ServiceId {
  return KNOWN_SERVICE_IDS.has(candidate);
}

/** Public names of the platform, as XiVO's documentation names them in `custom.env`. */
export enum PublicName {
  /** `XIVO_HOST`: the XiVO PBX. */
  XIVO_HOST = 'xivoHost',
  /** `XUC_HOST`: the public name of the XiVO CC front (nginx), also the Kerberos SPN host. */
  XUC_HOST = 'xucHost',
  /** `XUC_HOST` of the UC-Addon front. */
  UC_ADDON_HOST = 'ucAddonHost',
  /** `RECORDING_SERVER_HOST`. */
  RECORDING_SERVER_HOST = 'recordingServerHost',
  /** `RECORDING_SERVER_PORT`. */
  RECORDING_SERVER_PORT = 'recordingServerPort',
  /** `REPORTING_HOST` (SpagoBI). */
  REPORTING_HOST = 'reportingHost',
}

/**
 * Where the value of an environment variable comes from. A public name or a service the platform
 * lacks is a refusal at synth (a missing link is never a missing variable), unless the source is
 * `optional`: then the variable is left out (the recording server's address for nginx, when the
 * platform runs no recording server).
 */
export type EnvSource =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'public'; readonly name: PublicName; readonly optional?: boolean }
  /** Host or port by which the consuming container reaches another service (alias on the same server, address otherwise). */
  | {
      readonly kind: 'endpoint';
      readonly service: ServiceId;
      readonly part: 'host' | 'port' | 'url';
      readonly port?: string;
      readonly optional?: boolean;
    }
  /** The shared `PLAY_AUTH_TOKEN` (see SharedToken). */
  | { readonly kind: 'token' };

/** How a source that the platform may lack is given: left out then, instead of refused. */
export interface EnvSourceOptions {
  /** Leave the variable out when the platform has no such name or service. @default false: refused */
  readonly optional?: boolean;
}

export const env = {
  literal: (value: string): EnvSource => ({ kind: 'literal', value }),
  publicName: (name: PublicName, options: EnvSourceOptions = {}): EnvSource => ({ kind: 'public', name, ...options }),
  hostOf: (service: ServiceId, options: EnvSourceOptions = {}): EnvSource => ({ kind: 'endpoint', service, part: 'host', ...options }),
  portOf: (service: ServiceId, port?: string, options: EnvSourceOptions = {}): EnvSource => ({
    kind: 'endpoint',
    service,
    part: 'port',
    port,
    ...options,
  }),
  urlOf: (service: ServiceId, port?: string): EnvSource => ({ kind: 'endpoint', service, part: 'url', port }),
  sharedToken: (): EnvSource => ({ kind: 'token' }),
};

/** A port a service listens on inside its container. */
export interface PortDefinition {
  /** Name used by environment files to override the published port (`services.<id>.ports.<name>`). */
  readonly name: string;
  readonly internal: number;
  /** Host port published by default; undefined: not published (reachable only on the server's network). */
  readonly published?: number;
  /** @default 'tcp' */
  readonly protocol?: 'tcp' | 'udp';
  /** Whether XiVO's documentation gives this port (internal and published). @default 'verified' */
  readonly confidence?: Confidence;
}

/** A named Docker volume holding the service's data. */
export interface VolumeDefinition {
  /** Short name; the Docker volume is named `<container>-<name>` and that name never changes. */
  readonly name: string;
  readonly containerPath: string;
  /** Data that must survive (database, recordings, index): protected with `preventDestroy`. */
  readonly persistent: boolean;
  /** Whether the data path in the container is documented. @default 'verified' */
  readonly confidence?: Confidence;
}

export interface HealthcheckDefinition {
  readonly test: readonly string[];
  /** @default '30s' */
  readonly interval?: string;
  /** @default '10s' */
  readonly timeout?: string;
  /** @default 3 */
  readonly retries?: number;
  /** @default '60s' */
  readonly startPeriod?: string;
}

/**
 * How trustworthy a catalogue fact is: verified in XiVO's public documentation, or inferred
 * and to be confirmed on a real host
 * (`xivocc-dcomp config`, `docker inspect`) and overridden in the environment file if wrong.
 */
export type Confidence = 'verified' | 'inferred';

export interface ServiceDefinition {
  readonly id: ServiceId;
  readonly role: Role;
  /** Compose service name as XiVO names it (`xuc`, `nginx`...). */
  readonly name: string;
  /** Whether XiVO's documentation shows that Compose service name (`xivocc_xuc_1`). @default 'inferred' */
  readonly nameConfidence?: Confidence;
  readonly description: string;
  /** Repository without registry prefix and tag. */
  readonly image: string;
  /** Whether image and tag are known from a source or inferred. */
  readonly imageConfidence: Confidence;
  /**
   * How the tag is chosen: `release` = `<release>.<dist>` (XiVO's `XIVOCC_TAG.XIVOCC_DIST`, inferred),
   * or a fixed tag for third-party images.
   */
  readonly tag: { readonly kind: 'release' } | { readonly kind: 'fixed'; readonly tag: string };
  readonly ports: readonly PortDefinition[];
  readonly volumes: readonly VolumeDefinition[];
  /** Environment variables and where their values come from. */
  readonly env: Readonly<Record<string, EnvSource>>;
  /** Names of `env` that no public source confirms (the others are verified). @default none */
  readonly inferredEnv?: readonly string[];
  /** Services this one calls; used to check that split servers can reach each other. */
  readonly dependsOn: readonly ServiceId[];
  readonly healthcheck?: HealthcheckDefinition;
  /** Memory limit in MiB. @default no limit */
  readonly memoryMb?: number;
  /** Whether the environment file may switch it off (`services.<id>.enabled: false`). */
  readonly optional: boolean;
  /** Not deployed unless the environment file opts in (`services.<id>.enabled: true`). @default false */
  readonly optIn?: boolean;
  /**
   * XiVO serves this service itself on the PBX host, on this port, when we do not deploy it:
   * routes and env wiring then point at the PBX's address and this port. @default none
   */
  readonly servedByXivo?: { readonly port: number; readonly confidence: Confidence };
  /** Facts behind this entry, with their confidence. */
  readonly notes: string;
}

/** A file a role keeps on its host, written through the Docker API (see HostFile). */
export interface HostEnvFileDefinition {
  readonly role: Role;
  /** Absolute path on the host, e.g. `/etc/docker/compose/custom.env`. */
  readonly path: string;
  readonly variables: Readonly<Record<string, EnvSource>>;
}

/** Ports that a role's host packages (not our containers) already listen on; used for clash checks. */
export interface ReservedHostPort {
  readonly role: Role;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly owner: string;
  /** How sure we are that the host listens there. @default 'verified' */
  readonly confidence?: Confidence;
  /** Not reserved when this service of ours is deployed (it takes over the port). @default always reserved */
  readonly unlessDeployed?: ServiceId;
}
