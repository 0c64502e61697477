/**
 * The service catalogue: every container this project deploys, per role, with its image,
 * tag rule, ports, volumes, environment and health check.
 *
 * Facts come from XiVO's public documentation (mostly the XiVO CC documentation, "System Configuration") or are inferred.
 * Each entry says in `notes` what is verified and what is inferred. Everything here can be
 * overridden per environment (`services.<id>` in the environment file: image, tag, env,
 * volumes, ports, memory, enabled), so a wrong inference is fixed in data, not in code.
 */
import { CatalogueError } from './catalogue-error';
import {
  Confidence,
  env,
  FrontRole,
  HostEnvFileDefinition,
  isServiceId,
  PublicName,
  ReservedHostPort,
  Role,
  SERVICE_IDS,
  ServiceDefinition,
  ServiceId,
} from './types';

/** Default registry namespace of XiVO images (`xivoxc/...`, inferred from a public build note). */
export const XIVO_NAMESPACE = 'xivoxc';

/** Default `<dist>` part of release tags (`XIVOCC_DIST`, inferred). */
export const DEFAULT_DIST = 'latest';

/**
 * Image of the helpers: the containers that write host files through the Docker API (never
 * started) and the one-shot jobs that run as root on the host (`custom.env` keys, backups,
 * drift reads). Pinned by digest, so that whoever can move a tag (`busybox:stable`) cannot
 * choose what those jobs run: busybox 1.37.0's multi-platform index as public projects pin it
 * (inferred: no registry is reachable here to confirm it). Prefixed by the environment's
 * `registry`; `helperImage` in an environment file replaces it (see docs/environment.md).
 */
export const HOST_FILE_HELPER_IMAGE = 'busybox:1.37.0@sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e';

/** A Docker repository: `[host[:port]/]path` in lowercase (docker/distribution's reference grammar, without tag or digest). */
export const IMAGE_REPOSITORY =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** `<repository>[:tag]@sha256:<64 hex digits>`: a Docker image reference pinned to one content. */
export const DIGEST_PINNED_REFERENCE = new RegExp(
  `${IMAGE_REPOSITORY.source.slice(0, -1)}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$`,
);

/** Longest image reference Docker accepts (repository names are at most 255 characters). */
export const MAX_IMAGE_REFERENCE = 255 + ':'.length + 128 + '@sha256:'.length + 64;

/**
 * Host directory of xuc's LDAPS truststore, mounted at /customSslTrustStore (XiVO's documented path: XiVO CC documentation,
 * "System Configuration").
 */
export const XUC_TRUSTSTORE_HOST_DIR = '/etc/docker/xuc-custom-truststore';

/**
 * Default JVM heap of xuc: the example of the XiVO CC documentation, "System Configuration" (`-Xms512m -Xmx2048m`); the image's own
 * default is unknown.
 */
export const DEFAULT_XUC_HEAP = { min: '512m', max: '2048m' } as const;

type Entry = Omit<ServiceDefinition, 'id' | 'optional' | 'volumes' | 'dependsOn' | 'imageConfidence' | 'tag'> &
  Partial<Pick<ServiceDefinition, 'optional' | 'volumes' | 'dependsOn' | 'imageConfidence' | 'tag'>>;

function service(entry: Entry): ServiceDefinition {
  const id = `${entry.role}.${entry.name}`;
  // A definition whose id is not listed would be unreachable by id: caught when the catalogue loads.
  if (!isServiceId(id)) throw new CatalogueError(`service ${id} is not listed in SERVICE_IDS (catalogue/types.ts)`);
  return {
    id,
    optional: false,
    volumes: [],
    dependsOn: [],
    imageConfidence: 'inferred',
    tag: { kind: 'release' },
    ...entry,
  };
}

const xivoImage = (name: string) => `${XIVO_NAMESPACE}/${name}`;
const httpCheck = (port: number, path = '/'): ServiceDefinition['healthcheck'] => ({
  // wget is in busybox-based and Debian-based images alike; curl is not always.
  test: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${port}${path} || exit 1`],
});

/** The xuc/xucmgt/nginx trio shared by XiVO CC and UC-Addon, parameterised by role and public name. */
function ccFront(role: FrontRole, xucHost: PublicName): ServiceDefinition[] {
  const id = (name: 'xuc' | 'xucmgt'): ServiceId => `${role}.${name}`;
  // XiVO CC's documentation names these Compose services (xivocc-dcomp logs xuc, xivocc_xuc_1); the UC-Addon's set is not documented.
  const nameConfidence: Confidence = role === Role.CC ? 'verified' : 'inferred';
  return [
    service({
      role,
      name: 'xuc',
      nameConfidence,
      description: 'xuc server: CTI, REST and WebSocket API (Play/JVM)',
      image: xivoImage('xuc'),
      ports: [{ name: 'http', internal: 8090, published: 8090 }],
      env: {
        XIVO_HOST: env.publicName(PublicName.XIVO_HOST),
        XUC_HOST: env.publicName(xucHost),
        PLAY_AUTH_TOKEN: env.sharedToken(),
      },
      healthcheck: httpCheck(8090, '/xuc/api/2.0/'),
      memoryMb: 3072,
      notes:
        'Port 8090 verified (XiVO CC "System Configuration" target port; older builds 9000). Env names verified (XiVO CC "System Configuration", XiVO "API Security: Shared token"). Image name inferred.',
    }),
    service({
      role,
      name: 'xucmgt',
      nameConfidence,
      description: role === Role.CC ? 'CC Agent, CC Manager and UC assistant web applications' : 'UC assistant web application',
      image: xivoImage('xucmgt'),
      ports: [{ name: 'http', internal: 8070, published: 8070 }],
      env: {
        XUC_HOST: env.publicName(xucHost),
        XIVO_HOST: env.publicName(PublicName.XIVO_HOST),
      },
      dependsOn: [id('xuc')],
      healthcheck: httpCheck(8070, '/ccagent'),
      notes: 'Port 8070 verified (XiVO CC "System Configuration": XUC_HOST:8070/ccagent). Image name inferred.',
    }),
    service({
      role,
      name: 'nginx',
      nameConfidence,
      description: 'HTTPS entry point of every web application (XiVO CC "System Configuration" path table)',
      image: xivoImage('xivoxc-nginx'),
      ports: [
        { name: 'http', internal: 80, published: 80 },
        { name: 'https', internal: 443, published: 443 },
      ],
      env: {
        XUC_HOST: env.publicName(xucHost),
        XIVO_HOST: env.publicName(PublicName.XIVO_HOST),
        ...(role === Role.CC
          ? {
              // Optional services: nginx routes to them only when they run.
              RECORDING_SERVER_HOST: env.hostOf('cc.recording-server', { optional: true }),
              RECORDING_SERVER_PORT: env.portOf('cc.recording-server', undefined, { optional: true }),
              REPORTING_HOST: env.hostOf('cc.spagobi', { optional: true }),
            }
          : {}),
      },
      dependsOn: role === Role.CC ? [id('xuc'), id('xucmgt'), 'cc.recording-server', 'cc.spagobi', 'cc.kibana'] : [id('xuc'), id('xucmgt')],
      notes: 'Ports 80/443 and env names verified (XiVO CC "System Configuration"). Image from GitLab project xivoxc-nginx.',
    }),
  ];
}

const CC_DB: ServiceId = 'cc.pgxivocc';
const dbEnv = { DB_HOST: env.hostOf(CC_DB), DB_PORT: env.portOf(CC_DB) };
const DB_ENV_NAMES = Object.keys(dbEnv);

export const SERVICES: readonly ServiceDefinition[] = [
  // --- XiVO PBX ---------------------------------------------------------------------------
  service({
    role: Role.XIVO,
    name: 'configmgt',
    description: 'Configuration server API (CC Manager rights, profiles), called by xuc and nginx /configmgt',
    image: xivoImage('config-mgt'),
    ports: [{ name: 'http', internal: 9100, published: 9100 }],
    env: { PLAY_AUTH_TOKEN: env.sharedToken() },
    optional: true,
    optIn: true,
    servedByXivo: { port: 9100, confidence: 'verified' },
    notes:
      'XiVO serves configmgt itself on XIVO_HOST:9100 (XiVO CC "System Configuration"; a configmgt auth secret is generated on XiVO since 2021, verified): ' +
      'not deployed unless services["xivo.configmgt"].enabled: true; routes and xuc reach XiVO\'s own otherwise. Image name inferred.',
  }),

  // --- XiVO CC -----------------------------------------------------------------------------
  service({
    role: Role.CC,
    name: 'pgxivocc',
    description: 'PostgreSQL of the xivo_stats database',
    image: xivoImage('pgxivocc'),
    ports: [{ name: 'postgres', internal: 5432, published: 5443, confidence: 'inferred' }],
    volumes: [{ name: 'data', containerPath: '/var/lib/postgresql/data', persistent: true, confidence: 'inferred' }],
    env: {},
    healthcheck: { test: ['CMD-SHELL', 'pg_isready -U postgres || exit 1'] },
    notes: 'Name and host port 5443 inferred (XiVO CC "Reporting and statistics"). Data path is the PostgreSQL image default.',
  }),
  service({
    role: Role.CC,
    name: 'xivo-db-replication',
    description: 'Copies cel and queue_log from XiVO in real time and configuration every 5 minutes',
    image: xivoImage('xivo-db-replication'),
    ports: [],
    env: { XIVO_HOST: env.publicName(PublicName.XIVO_HOST), ...dbEnv },
    inferredEnv: DB_ENV_NAMES,
    dependsOn: [CC_DB],
    notes: 'Component verified (XiVO CC "Reporting and statistics", reporting pipeline); image and env names (DB_HOST, DB_PORT) inferred.',
  }),
  service({
    role: Role.CC,
    name: 'xivo-full-stats',
    description: 'Fills call_on_queue, call_data, stat_*_periodic and agent_position in real time',
    image: xivoImage('xivo-full-stats'),
    ports: [],
    env: dbEnv,
    inferredEnv: DB_ENV_NAMES,
    dependsOn: [CC_DB],
    notes: 'Component verified (XiVO CC "Reporting and statistics"); image and env names inferred.',
  }),
  service({
    role: Role.CC,
    name: 'pack-reporting',
    description: 'Fills stat_*_specific every 15 minutes (with xivo-reporting-db)',
    image: xivoImage('pack-reporting'),
    ports: [],
    env: dbEnv,
    inferredEnv: DB_ENV_NAMES,
    dependsOn: [CC_DB],
    optional: true,
    notes: 'Component verified (XiVO CC "Reporting and statistics"); image and env names inferred.',
  }),
  service({
    role: Role.CC,
    name: 'spagobi',
    description: 'Reporting (SpagoBI), reached through nginx /SpagoBI',
    image: xivoImage('spagobi'),
    ports: [{ name: 'http', internal: 9500, published: 9500 }],
    env: dbEnv,
    inferredEnv: DB_ENV_NAMES,
    dependsOn: [CC_DB],
    healthcheck: httpCheck(9500, '/SpagoBI'),
    memoryMb: 2048,
    optional: true,
    notes: 'Port 9500 verified (XiVO CC "System Configuration": REPORTING_HOST:9500/SpagoBI); image inferred.',
  }),
  service({
    role: Role.CC,
    name: 'recording-server',
    description: 'Recording server REST API and file store, reached through nginx /recording',
    image: xivoImage('recording-server'),
    ports: [{ name: 'http', internal: 9400, published: 9400, confidence: 'inferred' }],
    volumes: [{ name: 'recordings', containerPath: '/var/spool/recording-server', persistent: true, confidence: 'inferred' }],
    env: { PLAY_AUTH_TOKEN: env.sharedToken(), XIVO_HOST: env.publicName(PublicName.XIVO_HOST), ...dbEnv },
    inferredEnv: DB_ENV_NAMES,
    dependsOn: [CC_DB],
    healthcheck: httpCheck(9400, '/recording'),
    optional: true,
    notes:
      'Token use verified (XiVO "API Security: Shared token"). Port 9400 and data path inferred (XiVO CC "System Configuration" only says RECORDING_SERVER_PORT).',
  }),
  service({
    role: Role.CC,
    name: 'elasticsearch',
    description: 'Search index behind Kibana dashboards',
    image: xivoImage('elasticsearch'),
    ports: [{ name: 'http', internal: 9200, published: 9200, confidence: 'inferred' }],
    volumes: [{ name: 'data', containerPath: '/usr/share/elasticsearch/data', persistent: true, confidence: 'inferred' }],
    env: { 'discovery.type': env.literal('single-node') },
    inferredEnv: ['discovery.type'],
    healthcheck: httpCheck(9200, '/_cluster/health'),
    memoryMb: 2048,
    optional: true,
    notes: 'Presence in the CC compose set inferred; port and data path are Elasticsearch defaults.',
  }),
  service({
    role: Role.CC,
    name: 'kibana',
    description: 'Dashboards, reached through nginx /kibana',
    image: xivoImage('kibana'),
    ports: [{ name: 'http', internal: 5601, published: 5601, confidence: 'inferred' }],
    env: { ELASTICSEARCH_HOSTS: env.urlOf('cc.elasticsearch') },
    inferredEnv: ['ELASTICSEARCH_HOSTS'],
    dependsOn: ['cc.elasticsearch'],
    optional: true,
    notes: 'Route /kibana verified (XiVO CC "System Configuration"); port 5601 and ELASTICSEARCH_HOSTS are Kibana defaults; image inferred.',
  }),
  ...ccFront(Role.CC, PublicName.XUC_HOST),

  // --- Edge (DMZ) --------------------------------------------------------------------------
  service({
    role: Role.EDGE,
    name: 'nginx',
    description:
      'Edge reverse proxy: public HTTPS entry in a DMZ in front of the XiVO CC / UC-Addon front (reverse-proxy guidance for agent browsers)',
    image: 'nginx',
    imageConfidence: 'verified',
    tag: { kind: 'fixed', tag: '1.27-alpine' },
    ports: [
      { name: 'http', internal: 80, published: 80 },
      { name: 'https', internal: 443, published: 443 },
    ],
    env: {},
    healthcheck: { test: ['CMD-SHELL', 'nginx -t -q || exit 1'] },
    notes:
      'Stock nginx image with our generated nginx.conf (the web proxy role of XiVO Edge, XiVO documentation "XiVO Edge"); its own images are not modelled.',
  }),

  // --- UC-Addon ----------------------------------------------------------------------------
  ...ccFront(Role.UC_ADDON, PublicName.UC_ADDON_HOST),
];

/**
 * Host env files (XiVO documentation, "API Security: Shared token"): each holds `PLAY_AUTH_TOKEN`, identical everywhere, plus the
 * public names the role's tools read.
 */
export const HOST_ENV_FILES: readonly HostEnvFileDefinition[] = [
  {
    role: Role.XIVO,
    path: '/etc/docker/xivo/custom.env',
    variables: { PLAY_AUTH_TOKEN: env.sharedToken(), XIVO_HOST: env.publicName(PublicName.XIVO_HOST) },
  },
  {
    role: Role.MDS,
    path: '/etc/docker/mds/custom.env',
    variables: { PLAY_AUTH_TOKEN: env.sharedToken(), XIVO_HOST: env.publicName(PublicName.XIVO_HOST) },
  },
  {
    role: Role.CC,
    path: '/etc/docker/compose/custom.env',
    variables: {
      PLAY_AUTH_TOKEN: env.sharedToken(),
      XIVO_HOST: env.publicName(PublicName.XIVO_HOST),
      XUC_HOST: env.publicName(PublicName.XUC_HOST),
      // Derived from the optional recording server and SpagoBI (or given): absent without them.
      RECORDING_SERVER_HOST: env.publicName(PublicName.RECORDING_SERVER_HOST, { optional: true }),
      RECORDING_SERVER_PORT: env.publicName(PublicName.RECORDING_SERVER_PORT, { optional: true }),
      REPORTING_HOST: env.publicName(PublicName.REPORTING_HOST, { optional: true }),
    },
  },
  {
    role: Role.UC_ADDON,
    path: '/etc/docker/compose/custom.env',
    variables: {
      PLAY_AUTH_TOKEN: env.sharedToken(),
      XIVO_HOST: env.publicName(PublicName.XIVO_HOST),
      XUC_HOST: env.publicName(PublicName.UC_ADDON_HOST),
    },
  },
];

/**
 * Ports the host packages of a role listen on (XiVO's legacy network-flows table and the ports of
 * XiVO's own services, verified for the XiVO base unless marked inferred). Containers published
 * on the same Docker host must not take them.
 */
export const RESERVED_HOST_PORTS: readonly ReservedHostPort[] = [
  { role: Role.XIVO, port: 69, protocol: 'udp', owner: 'xivo-provd TFTP' },
  { role: Role.XIVO, port: 80, protocol: 'tcp', owner: 'XiVO web interface (nginx package)' },
  { role: Role.XIVO, port: 123, protocol: 'udp', owner: 'NTP server of the phones' },
  { role: Role.XIVO, port: 443, protocol: 'tcp', owner: 'XiVO web interface (nginx package)' },
  { role: Role.XIVO, port: 5003, protocol: 'tcp', owner: 'xivo-ctid CTI' },
  { role: Role.XIVO, port: 5038, protocol: 'tcp', owner: 'Asterisk AMI (opened for xuc)' },
  { role: Role.XIVO, port: 5060, protocol: 'udp', owner: 'Asterisk SIP' },
  { role: Role.XIVO, port: 5060, protocol: 'tcp', owner: 'Asterisk SIP over TCP', confidence: 'inferred' },
  { role: Role.XIVO, port: 5432, protocol: 'tcp', owner: 'XiVO PostgreSQL' },
  {
    role: Role.XIVO,
    port: 5672,
    protocol: 'tcp',
    owner: "RabbitMQ container of XiVO's own Docker stack (xivo-dcomp), when published",
    confidence: 'inferred',
  },
  { role: Role.XIVO, port: 8667, protocol: 'tcp', owner: 'xivo-provd HTTP' },
  { role: Role.XIVO, port: 9100, protocol: 'tcp', owner: "XiVO's own configmgt", unlessDeployed: 'xivo.configmgt' },
  ...[
    [9486, 'xivo-confd HTTPS'],
    [9487, 'xivo-confd HTTP'],
    [9488, 'XiVO daemon range 9486-9500'],
    [9489, 'xivo-dird'],
    [9490, 'XiVO daemon range 9486-9500'],
    [9491, 'xivo-amid'],
    [9492, 'XiVO daemon range 9486-9500'],
    [9493, 'xivo-agentd'],
    [9494, 'XiVO daemon range 9486-9500'],
    [9495, 'XiVO daemon range 9486-9500'],
    [9496, 'XiVO daemon range 9486-9500'],
    [9497, 'xivo-auth'],
    [9498, 'XiVO daemon range 9486-9500'],
    [9499, 'XiVO daemon range 9486-9500'],
    [9500, 'xivo-ctid-ng'],
  ].map(([port, owner]) => ({ role: Role.XIVO, port: port as number, protocol: 'tcp' as const, owner: owner as string })),
  { role: Role.MDS, port: 5060, protocol: 'udp', owner: 'MDS Asterisk SIP' },
  { role: Role.MDS, port: 5038, protocol: 'tcp', owner: 'MDS Asterisk AMI (reached by xuc over the VoIP address)' },
];

/** Roles whose services may be placed only once in an environment (the CC may be split, but each service once). */
export const UNIQUE_ROLES: ReadonlySet<Role> = new Set([Role.XIVO, Role.CC, Role.UC_ADDON, Role.EDGE]);

/** Definitions by id; refuses to load when the definitions are not SERVICE_IDS, in its order. */
function indexById(definitions: readonly ServiceDefinition[]): ReadonlyMap<ServiceId, ServiceDefinition> {
  const ids = definitions.map((d) => d.id);
  if (ids.join() !== SERVICE_IDS.join()) {
    throw new CatalogueError(`the service definitions (${ids.join(', ')}) are not SERVICE_IDS (${SERVICE_IDS.join(', ')}) in the same order`);
  }
  return new Map(definitions.map((d) => [d.id, d]));
}

const BY_ID = indexById(SERVICES);

/** The definition of a service named by a string from outside (an environment file); undefined when unknown. */
export function findService(id: string): ServiceDefinition | undefined {
  return isServiceId(id) ? BY_ID.get(id) : undefined;
}

/** The definition of a service: every ServiceId has one (see indexById). */
export function serviceDefinition(id: ServiceId): ServiceDefinition {
  return BY_ID.get(id)!;
}

/** The role a service belongs to, from its definition. */
export function roleOfService(id: ServiceId): Role {
  return serviceDefinition(id).role;
}

export function servicesOfRole(role: Role): readonly ServiceDefinition[] {
  return SERVICES.filter((s) => s.role === role);
}

/** Prefix of container names per role: XiVO CC keeps its compose project name (`xivocc_xuc_1` → `xivocc-xuc`). */
export const CONTAINER_PREFIX: Readonly<Record<Role, string>> = {
  [Role.XIVO]: 'xivo',
  [Role.MDS]: 'mds',
  [Role.CC]: 'xivocc',
  [Role.UC_ADDON]: 'ucaddon',
  [Role.EDGE]: 'edge',
};

/**
 * Docker Compose project of a role on XiVO's own installs: `xivocc-dcomp` is `docker compose -p
 * xivocc` (containers `xivocc_<service>_1`, verified for XiVO CC; the UC-Addon uses the same
 * /etc/docker/compose directory, so the same project, inferred). Our containers carry the
 * project and service labels so that `xivocc-dcomp ps/logs/exec <service>` find them.
 */
export const COMPOSE_PROJECT: Partial<Record<Role, { readonly name: string; readonly confidence: Confidence }>> = {
  [Role.CC]: { name: 'xivocc', confidence: 'verified' },
  [Role.UC_ADDON]: { name: 'xivocc', confidence: 'inferred' },
};

/** Compose labels of a service's container (`com.docker.compose.*`), none for roles without a Compose project. */
export function composeLabels(def: ServiceDefinition): Record<string, string> {
  const project = COMPOSE_PROJECT[def.role];
  if (!project) return {};
  return {
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.project': project.name,
    'com.docker.compose.service': def.name,
  };
}

/** Container name, also its network alias: unique per Docker host. */
export function containerName(def: ServiceDefinition): string {
  return `${CONTAINER_PREFIX[def.role]}-${def.name}`;
}
