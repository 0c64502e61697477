/**
 * ServiceContainer: one catalogue service as `docker_image` + `docker_container` (+ its
 * named volumes) on a server, wired to the rest of the environment.
 *
 * Environment precedence: catalogue < `env` given by feature constructs (auth, TLS) <
 * the environment file's `services.<id>.env`. Nearly every container attribute forces
 * replacement, so inputs are kept minimal and every list is sorted.
 */
import { Construct } from 'constructs';
import { Annotations, Fn } from 'cdktf';
import { Container, ContainerUpload } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { composeLabels, containerName } from '../catalogue/services';
import { Role, ServiceDefinition } from '../catalogue/types';
import { HOST_GATEWAY_NAME } from '../config/endpoints';
import { Environment, ServerModel } from '../config/model';
import { serviceImage } from './image-ref';
import { envList, labelList } from './labels';
import { goDuration } from './go-duration';
import { resolveEnvSources } from './env-source';

/** Where a service is deployed: what every service construct receives. */
export interface ServiceContext {
  readonly environment: Environment;
  readonly server: ServerModel;
  /** The server's Docker network (one per server). */
  readonly network: Network;
}

export interface BindMount {
  readonly hostPath: string;
  readonly containerPath: string;
  /** @default true */
  readonly readOnly?: boolean;
}

export interface ServiceContainerProps extends ServiceContext {
  readonly definition: ServiceDefinition;
  /** Variables set by feature constructs, over the catalogue's. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Files delivered into the container (`docker cp` at create time). @default none */
  readonly uploads?: readonly ContainerUpload[];
  /** Host directories or files mounted into the container. @default none */
  readonly mounts?: readonly BindMount[];
  /**
   * Inputs the container reads from a bind mount but cannot notice changing (nginx loads its
   * certificate at start). Each becomes a label `org.xivo.input.<name>` holding the value's
   * sha256, so a new value recreates the container, after the files are rewritten.
   * @default none
   */
  readonly recreateOn?: Readonly<Record<string, string>>;
}

/** Label prefix of the inputs that recreate a container when they change (see `recreateOn`). */
export const INPUT_LABEL_PREFIX = 'org.xivo.input.';

/** Labels every resource of a service carries. */
export function serviceLabels(ctx: ServiceContext, role: string, service: string): Record<string, string> {
  return {
    'org.xivo.environment': ctx.environment.name,
    'org.xivo.release': ctx.environment.release,
    'org.xivo.role': role,
    'org.xivo.server': ctx.server.name,
    'org.xivo.service': service,
  };
}

export class ServiceContainer extends Construct {
  readonly definition: ServiceDefinition;
  readonly name: string;
  readonly image: Image;
  readonly container: Container;
  /** Data volumes by catalogue name. */
  readonly volumes: ReadonlyMap<string, Volume>;
  /** The final environment of the container, before sorting into `KEY=VALUE`. */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ServiceContainerProps) {
    super(scope, id);
    const { definition: def, environment: env, server } = props;
    if (!server.services.includes(def)) {
      throw new Error(`${this.node.path}: service ${def.id} is not placed on server "${server.name}"`);
    }
    this.definition = def;
    this.name = containerName(def);
    const override = env.overrides[def.id] ?? {};
    const labels = serviceLabels(props, def.role, def.name);
    const inputLabels = Object.fromEntries(Object.entries(props.recreateOn ?? {}).map(([name, value]) => [`${INPUT_LABEL_PREFIX}${name}`, Fn.sha256(value)]));

    this.environment = { ...resolveEnvSources(this, def.env, env, server), ...props.env, ...override.env };

    this.image = new Image(this, 'image', { name: serviceImage(env, def), keepLocally: true });

    const volumes = new Map<string, Volume>();
    for (const v of def.volumes) {
      const adopted = override.adoptVolumes?.[v.name];
      const volume = new Volume(this, `volume-${v.name}`, {
        name: adopted ?? `${this.name}-${v.name}`,
        // An adopted volume keeps what its creator gave it (Compose labels, driver options):
        // any difference would force a replacement, i.e. an empty volume.
        labels: adopted ? undefined : labelList(labels),
        // Labels are information (they carry the release): a label change would force replacing
        // the volume, i.e. an empty one, so they are written at creation and never compared again.
        lifecycle: adopted
          ? { preventDestroy: true, ignoreChanges: ['labels', 'driver', 'driver_opts'] }
          : { preventDestroy: v.persistent || undefined, ignoreChanges: ['labels'] },
      });
      // Taking over: the first apply imports the existing volume (docker_volume import id = its name).
      if (adopted) volume.importFrom(adopted);
      volumes.set(v.name, volume);
    }
    this.volumes = volumes;

    const mounts = [
      ...def.volumes.map((v) => ({ volumeName: volumes.get(v.name)!.name, containerPath: v.containerPath })),
      ...(props.mounts ?? []).map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath, readOnly: m.readOnly ?? true })),
      // A host directory is mounted read-only unless the file says otherwise: uploads must not write through to the host.
      ...(override.volumes ?? []).map((v) => ({ hostPath: v.hostPath, volumeName: v.volume, containerPath: v.containerPath, readOnly: v.readOnly ?? (v.hostPath ? true : undefined) })),
    ].sort((a, b) => a.containerPath.localeCompare(b.containerPath));

    for (const v of override.volumes ?? []) {
      if (v.allowSystemPath && v.hostPath) {
        Annotations.of(this).addWarning(`bind mount of the system path ${v.hostPath} (allowSystemPath: true): the container can change the host`);
      }
    }

    const health = def.healthcheck;
    const memory = override.memoryMb ?? def.memoryMb;
    this.container = new Container(this, 'container', {
      name: this.name,
      image: this.image.imageId,
      restart: 'unless-stopped',
      env: envList(this.environment),
      labels: labelList({ ...labels, ...composeLabels(def), ...inputLabels }),
      logDriver: 'json-file',
      logOpts: { 'max-file': String(env.logging.maxFile), 'max-size': env.logging.maxSize },
      networksAdvanced: [{ name: props.network.name, aliases: [this.name] }],
      ports: def.ports
        .map((p) => ({ internal: p.internal, external: override.ports?.[p.name] ?? p.published, protocol: p.protocol ?? 'tcp' }))
        .filter((p) => p.external !== undefined)
        .sort((a, b) => a.internal - b.internal),
      volumes: mounts.length ? mounts : undefined,
      upload: props.uploads?.length ? [...props.uploads].sort((a, b) => a.file.localeCompare(b.file)) : undefined,
      // On the PBX's host, XiVO's own services (configmgt on 9100) are reached on the host itself.
      host: server.roles.includes(Role.XIVO) ? [{ host: HOST_GATEWAY_NAME, ip: 'host-gateway' }] : undefined,
      memory,
      // Docker's default swap limit is twice the memory limit; left unset, the provider reads it
      // back from the engine and plans a change on every deploy.
      memorySwap: memory === undefined ? undefined : memory * 2,
      healthcheck: health
        ? {
            test: [...health.test],
            interval: goDuration(health.interval ?? '30s'),
            timeout: goDuration(health.timeout ?? '10s'),
            retries: health.retries ?? 3,
            startPeriod: goDuration(health.startPeriod ?? '60s'),
          }
        : undefined,
    });
  }
}
