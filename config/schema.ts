/**
 * Schema of an environment file (`environments/<name>.yaml`), with zod.
 * Shape errors come from here; rules that span several keys live in `rules.ts`.
 * `npm run schema` publishes it as JSON Schema for editors (yaml-language-server).
 */
import { z } from 'zod';
import { NEWEST_RELEASE, releaseList, resolveRelease } from '../catalogue/releases';
import { DIGEST_PINNED_REFERENCE, IMAGE_REPOSITORY, MAX_IMAGE_REFERENCE } from '../catalogue/services';
import { ALL_ROLES, Role } from '../catalogue/types';
import { filePath } from './input-files';
import { hostCheck, IPV4, isDnsName } from './host-names';
import { MAX_MEMORY_MIB, MIN_MEMORY_MIB } from './messages';
import { authSchema } from './schema-auth';
import { ALLOWED_SSH_OPTIONS } from './ssh-options';
import { edgeSchema, tlsSchema } from './schema-tls';

const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const name = (what: string) =>
  z.string().regex(NAME, {
    message: `${what} must be 2-32 characters of lowercase letters, digits and '-', starting with a letter (e.g. "cc-core")`,
  });

/** A string that `check` accepts (it returns the message of what is wrong otherwise). */
const checked = (check: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const message = check(v);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
export const hostname = checked(
  hostCheck((v) => isDnsName(v) || IPV4.test(v), 'must be a DNS name or an IPv4 address (e.g. "cc.example.com" or "10.0.0.5")'),
);
export const fqdn = checked(
  hostCheck(
    (v) => isDnsName(v) && v.includes('.'),
    'must be a fully qualified DNS name with at least one dot (e.g. "cc.example.com"), not an IP address',
  ),
);
export const address = checked(
  hostCheck((v) => IPV4.test(v) || isDnsName(v), 'must be the IPv4 address or DNS name by which other servers reach this one (e.g. "10.0.0.5")'),
);
const port = z.number().int().min(1).max(65535);

/** A Docker object name (container, network, volume): what `docker ps`, `docker network ls`, `docker volume ls` show. */
const DOCKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const dockerName = (message: string) => z.string().regex(DOCKER_NAME, { message });

/** `unix:///path`, `ssh://user@host[:port]` or `tcp://host:port` (kreuzwerker/docker provider `host`); a socket path limited like route paths. */
export const DOCKER_HOST = /^(unix:\/\/\/[A-Za-z0-9._~/-]{1,200}|ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?|tcp:\/\/[A-Za-z0-9.-]+:\d{1,5})$/;

const dockerConnection = z
  .object({
    host: z
      .string()
      .regex(DOCKER_HOST, {
        message: 'is not a Docker host URL: write "unix:///var/run/docker.sock", "ssh://user@host" or "ssh://user@host:2222", or "tcp://host:2376"',
      })
      .describe('Docker host of this server: unix:///var/run/docker.sock, ssh://user@host[:port] or tcp://host:port (with tls)'),
    sshOpts: z
      .array(z.string())
      .optional()
      .describe(
        `Extra ssh options for ssh:// hosts, e.g. ["-o", "StrictHostKeyChecking=yes"]; only -i, -p, -J and -o with ${Object.keys(ALLOWED_SSH_OPTIONS).join(', ')}`,
      ),
    tls: z
      .object({ caFile: filePath, certFile: filePath, keyFile: filePath })
      .strict()
      .optional()
      .describe('Client TLS files for tcp:// hosts, relative to the environment file; read by Terraform at plan time, never at synth'),
  })
  .strict();

const role = z.enum(ALL_ROLES as [Role, ...Role[]], {
  message: `is not a role: use one of ${ALL_ROLES.join(', ')}`,
});

const server = z
  .object({
    name: name('a server name'),
    address: address.describe('Address other servers (and split CC parts) use to reach this one'),
    fqdn: fqdn.optional().describe('DNS name of the server'),
    docker: dockerConnection,
    roles: z.array(role).min(1, { message: 'must list at least one role' }).describe('Products on this server: xivo, mds, cc, ucaddon, edge'),
    debian: z
      .number()
      .int()
      .min(9)
      .max(20)
      .optional()
      .describe('Debian major version of the host (e.g. 12), checked against the release: Debian 11 from 2022.04, 12 from 2024.05'),
    services: z
      .array(z.string())
      .optional()
      .describe(
        'Split XiVO CC / UC-Addon: the services of those roles this server runs (e.g. cc.xuc); the server of a role without a list runs the rest',
      ),
    adoptNetwork: dockerName('a Docker network name: write the name `docker network ls` shows on the host')
      .optional()
      .describe(
        "Taking over an installation: the existing Docker network (e.g. xivocc_default) that becomes this server's network, imported by the first apply, never replaced (written by npm run discover)",
      ),
  })
  .strict();

/** A path in a container, limited like route paths (it reaches nginx-like configuration, labels and the impact report's Markdown). */
const CONTAINER_PATH = /^\/[A-Za-z0-9._~/-]{0,199}$/;

const volumeOverride = z
  .object({
    containerPath: z.string().regex(CONTAINER_PATH, {
      message: 'must be an absolute path in the container: "/" then letters, digits and . _ ~ / - (at most 200 characters)',
    }),
    hostPath: z.string().startsWith('/', { message: 'must be an absolute path on the Docker host' }).optional(),
    volume: z.string().optional(),
    readOnly: z.boolean().optional().describe('Default: true for a hostPath mount, false for a volume'),
    allowSystemPath: z
      .boolean()
      .optional()
      .describe('true accepts a hostPath under a system directory (/etc, /usr, /var/run...) with a warning; our host-file directories stay refused'),
  })
  .strict();

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Restart policies Docker knows (`docker run --restart`). */
export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

const adoptContainer = z
  .object({
    name: dockerName('is not a Docker container name: write the name `docker ps` shows (e.g. xivocc_xuc_1)').describe(
      'Name of the running container; it keeps it',
    ),
    id: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: 'must be the full container id (64 hexadecimal digits, `docker inspect --format {{.Id}} <name>`)' })
      .describe('Full id of the running container: the first apply imports it (a container recreated since has another id, and the import fails)'),
    aliases: z
      .array(dockerName('is not a network alias: letters, digits, ".", "_" and "-"'))
      .optional()
      .describe(
        'Its network aliases besides its name (the Compose service name): a replacement keeps them, so containers still run by Compose find it',
      ),
  })
  .strict();
/** `services.<id>.image`: a repository, its tag given apart (`tag`, or the release's). */
const imageRepository = z
  .string()
  .min(1)
  .max(255, { message: 'is longer than 255 characters, the longest Docker repository name' })
  .regex(IMAGE_REPOSITORY, {
    message:
      'must be an image repository without tag, e.g. "xivoxc/xuc" or "registry.example.com/xivoxc/xuc" (lowercase letters, digits, ".", "_", "-" and "/"); give the tag in `tag`',
  });

/** `helperImage`: what runs as root on every host, so one content, named by its digest. */
const helperImage = z
  .string()
  .max(MAX_IMAGE_REFERENCE, { message: `is longer than ${MAX_IMAGE_REFERENCE} characters, the longest Docker image reference` })
  .superRefine((value, ctx) => {
    if (DIGEST_PINNED_REFERENCE.test(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: value.includes('@')
        ? 'must be a Docker image reference pinned by digest: <name>[:<tag>]@sha256:<64 lowercase hexadecimal digits>'
        : "is not pinned by digest: a tag can be moved to other content, which would then run as root on every host; write <name>[:<tag>]@sha256:<digest> (`docker inspect --format '{{index .RepoDigests 0}}' <image>` on a host that pulled it gives it)",
    });
  });

const serviceOverride = z
  .object({
    enabled: z.boolean().optional(),
    image: imageRepository.optional(),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'is not a valid Docker tag' })
      .optional(),
    env: z.record(z.string().regex(ENV_NAME, { message: 'is not a valid environment variable name' }), z.string()).optional(),
    volumes: z.array(volumeOverride).optional(),
    ports: z.record(z.string(), port).optional(),
    memoryMb: z
      .number()
      .int()
      .min(0)
      .max(MAX_MEMORY_MIB)
      .refine((v) => v === 0 || v >= MIN_MEMORY_MIB, { message: `must be at least ${MIN_MEMORY_MIB} (or 0: no memory limit)` })
      .optional()
      .describe('Memory limit of the container in MiB, a number without unit (4096 for 4 GiB; updated in place); 0: no limit'),
    restart: z
      .enum(RESTART_POLICIES, { message: `is not a Docker restart policy: use one of ${RESTART_POLICIES.join(', ')}` })
      .optional()
      .describe('Docker restart policy (updated in place). Default: unless-stopped'),
    adoptContainer: adoptContainer
      .optional()
      .describe(
        'Taking over an installation: the running container of this service (written by npm run discover); imported by the first apply and not restarted; replaced only when its configuration changes',
      ),
    adoptVolumes: z
      .record(z.string(), dockerName('is not a Docker volume name: write the name `docker volume ls` shows on the host'))
      .optional()
      .describe(
        'Taking over an installation: existing Docker volumes to adopt, by catalogue volume name (e.g. { data: xivocc_pgxivocc_data }); imported by the first apply, never replaced',
      ),
  })
  .strict();

/** OpenTofu's state and plan encryption: the passphrase is read at plan time from an environment variable synth never reads. */
const stateEncryption = z
  .object({
    passphraseEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be an environment variable name, e.g. XIVO_STATE_PASSPHRASE' })
      .optional()
      .describe(
        'Environment variable holding the passphrase (16 characters or more), read by deploy, never by synth. Default: XIVO_STATE_PASSPHRASE',
      ),
  })
  .strict()
  .describe(
    'OpenTofu only: encrypt every state and saved plan at rest (pbkdf2 key provider, aes_gcm, enforced); deploy gives OpenTofu the configuration in TF_ENCRYPTION, so nothing of it is in cdk.tf.json',
  );

const backend = z.discriminatedUnion('type', [
  z.object({ type: z.literal('local'), directory: z.string().optional(), encryption: stateEncryption.optional() }).strict(),
  z
    .object({
      type: z.literal('s3'),
      bucket: z.string().min(3),
      region: z.string().min(1),
      keyPrefix: z.string().optional(),
      dynamodbTable: z.string().optional(),
      encryption: stateEncryption.optional(),
    })
    .strict(),
  /** Connection string comes from PG_CONN_STR at plan time (it holds a password). */
  z.object({ type: z.literal('pg'), schemaPrefix: z.string().optional(), encryption: stateEncryption.optional() }).strict(),
  /** Credentials come from TF_HTTP_USERNAME / TF_HTTP_PASSWORD at plan time. */
  z.object({ type: z.literal('http'), address: z.url({ protocol: /^https?$/ }), encryption: stateEncryption.optional() }).strict(),
]);

export const environmentSchema = z
  .object({
    $schema: z.string().optional(),
    name: name('the environment name').describe('Environment name: stacks are named <name>-<server>'),
    /** XiVO LTS release by name or version ("Maia", "2024.05"); image tags use the version. */
    release: z
      .string()
      .refine((v) => resolveRelease(v) !== undefined, {
        message: `is not a XiVO LTS release: write its name or version (quoted in YAML), one of ${releaseList()}`,
      })
      .describe(
        `XiVO LTS release, by name or version: "Maia" or "2024.05" (image tags start with the version); a version newer than ${NEWEST_RELEASE.name} (${NEWEST_RELEASE.version}) is accepted with a warning`,
      ),
    dist: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/)
      .optional()
      .describe('Suffix of release tags: images are <image>:<release>.<dist>. Default: latest'),
    registry: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, {
        message: 'must be a registry host with an optional path, e.g. "registry.example.com/mirror"',
      })
      .optional()
      .describe('Registry mirror prefix of every image, e.g. registry.example.com/xivo-mirror'),
    helperImage: helperImage
      .optional()
      .describe(
        'Image of the helpers (host-file writers, custom.env jobs, backups): pinned by digest, <name>[:<tag>]@sha256:<digest>, used as written. Default: busybox 1.37.0 by digest (docs/catalogue.md), behind registry',
      ),
    backend: backend.optional().describe('Where Terraform state lives. Default: local files in terraform-state/ (git-ignored)'),
    publicNames: z
      .object({
        xivoHost: hostname,
        xucHost: fqdn.optional(),
        ucAddonHost: fqdn.optional(),
        recordingServerHost: hostname.optional(),
        recordingServerPort: port.optional(),
        reportingHost: hostname.optional(),
      })
      .strict(),
    logging: z
      .object({
        maxSize: z
          .string()
          .regex(/^\d+[kmg]$/)
          .optional(),
        maxFile: z.number().int().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
    servers: z.array(server).min(1, { message: 'must list at least one server' }).describe('One Terraform stack per server'),
    services: z.record(z.string(), serviceOverride).optional().describe('Per-service overrides by service id (see docs/catalogue.md)'),
    /** xuc authentication modes (LDAP/LDAPS, Kerberos, CAS, OIDC), login options, outbound queue. */
    auth: authSchema.optional(),
    /** Certificates of the fronts and the PBX (internal CA, self-signed or provided). */
    tls: tlsSchema.optional(),
    /** Edge reverse proxy settings (DMZ). */
    edge: edgeSchema.optional(),
    /** Inferred reservations of host ports (docs/catalogue.md) that this environment's hosts leave free. */
    freeHostPorts: z
      .array(z.string().regex(/^\d{1,5}\/(tcp|udp)$/, { message: 'must be a port and protocol like "5672/tcp"' }))
      .optional()
      .describe('Ports the catalogue reserves on the PBX host only by inference (e.g. RabbitMQ "5672/tcp") that are free on your hosts'),
    /** xuc's credentials towards XiVO (CTI, web services, AMI): user names and the inferred env variable names. */
    xucCredentials: z
      .object({
        ctiUser: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/, { message: 'must be a XiVO user name (letters, digits, . _ -)' })
          .optional(),
        webServicesUser: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/, { message: 'must be a XiVO user name (letters, digits, . _ -)' })
          .optional(),
        amiUser: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/, { message: 'must be an AMI user name (letters, digits, . _ -)' })
          .optional(),
        envNames: z
          .object(
            Object.fromEntries(
              ['ctiUser', 'ctiPassword', 'webServicesUser', 'webServicesPassword', 'amiUser', 'amiSecret'].map((k) => [
                k,
                z.string().regex(ENV_NAME, { message: 'is not a valid environment variable name' }).optional(),
              ]),
            ),
          )
          .strict()
          .optional()
          .describe(
            'xuc environment variable names of each credential (inferred defaults in docs/catalogue.md): set them to what `xivocc-dcomp config` shows',
          ),
      })
      .strict()
      .optional()
      .describe("xuc's credentials towards XiVO; secrets come from TF_VAR_xuc_cti_password, TF_VAR_xuc_ws_password, TF_VAR_xuc_ami_secret"),
  })
  .strict();

export type EnvironmentFile = z.infer<typeof environmentSchema>;
export type ServiceOverride = z.infer<typeof serviceOverride>;
export type BackendSpec = z.infer<typeof backend>;
export type DockerConnectionSpec = z.infer<typeof dockerConnection>;
