/**
 * ServiceContainer: one catalogue service as `docker_image` + `docker_container` (+ its
 * named volumes) on a server, wired to the rest of the platform. It is built under a XivoServer
 * (`XivoServer.of(this)`: release, registry, network, labels) and registers its service with the
 * platform, so that the others reach it by reference; its catalogue variables (XIVO_HOST, DB_HOST...)
 * are read on the platform at synth.
 *
 * Environment precedence: catalogue < variables added by feature constructs (`addEnv`: auth,
 * TLS) < the operator's `overrides.env`. The container's env, uploads and mounts are rendered
 * once, lazily, when the stack is synthesized (cdktf `Lazy`): `addEnv`/`addUpload`/`addMount`
 * only record what they add, and whatever was added before synth reaches the container. Nearly
 * every container attribute forces replacement, so inputs are kept minimal and every list is sorted.
 */
import { Construct } from 'constructs';
import {
  Annotations,
  Container,
  ContainerUpload,
  containerUploadToTerraform,
  ContainerVolumes,
  containerVolumesToTerraform,
  Fn,
  Image,
  Lazy,
  Volume,
} from './terraform-cdk';
import { composeLabels, containerName } from '../catalogue/services';
import { ServiceDefinition } from '../catalogue/types';
import { Deployment, deploymentLabels, distOf, logOptions, withRegistry } from './deployment';
import { envList, labelList } from './labels';
import { goDuration } from './go-duration';
import { prepareEnvSources } from './env-source';
import { importExisting } from './terraform-version';
import { addLifecycle, AdoptedContainer, adoptContainer } from './adoption';
import { HOST_GATEWAY_NAME } from './platform-rules';
import type { PlatformService } from './xivo-platform';
import { XivoServer } from './xivo-server';
import { guardSharedToken } from './shared-token';

/** Restart policy of service containers. */
export const DEFAULT_RESTART = 'unless-stopped';

export interface BindMount {
  readonly hostPath: string;
  readonly containerPath: string;
  /** @default true */
  readonly readOnly?: boolean;
}

/** A mount the operator adds: a host path or a named volume. */
export interface ExtraMount {
  readonly containerPath: string;
  /** Host path to bind-mount. @default none: give `volume` */
  readonly hostPath?: string;
  /** Named Docker volume to mount. @default none: give `hostPath` */
  readonly volume?: string;
  /** @default true for a host path, false for a volume */
  readonly readOnly?: boolean;
  /** The host path is a system directory, accepted with a warning. @default false */
  readonly allowSystemPath?: boolean;
}

/** The operator's changes to a catalogue service (an environment file's `services.<id>`). */
export interface ServiceOverrides {
  /** Image repository. @default the catalogue's */
  readonly image?: string;
  /** Image tag. @default the catalogue's rule: `<release>.<dist>` or a fixed tag */
  readonly tag?: string;
  /** Variables over every other source. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Published host port by catalogue port name. @default the catalogue's */
  readonly ports?: Readonly<Record<string, number>>;
  /** Memory limit in MiB; 0: no limit. @default the catalogue's */
  readonly memoryMb?: number;
  /** Docker restart policy (`no`, `always`, `unless-stopped`, `on-failure`). @default 'unless-stopped' */
  readonly restart?: string;
  /** Existing Docker volumes to adopt, by catalogue volume name (imported, never replaced). @default none */
  readonly adoptVolumes?: Readonly<Record<string, string>>;
  /**
   * The running container to adopt instead of creating one: imported by the first apply,
   * not restarted, replaced only when its configuration changes (see constructs/adoption.ts).
   * @default none: a new container
   */
  readonly adoptContainer?: AdoptedContainer;
  /** Extra mounts. @default none */
  readonly volumes?: readonly ExtraMount[];
}

export interface ServiceContainerProps {
  /** The catalogue service. */
  readonly definition: ServiceDefinition;
  /** Variables set by feature constructs, over the catalogue's (more with `addEnv`). @default none */
  readonly env?: EnvPart;
  /** Files delivered into the container (`docker cp` at create time; more with `addUpload`). @default none */
  readonly uploads?: UploadPart;
  /** Host directories or files mounted into the container (more with `addMount`). @default none */
  readonly mounts?: readonly BindMount[];
  /**
   * Inputs the container reads from a bind mount but cannot notice changing (nginx loads its
   * certificate at start). Each becomes a label `org.xivo.input.<name>` holding the value's
   * sha256, so a new value recreates the container, after the files are rewritten.
   * @default none
   */
  readonly recreateOn?: Readonly<Record<string, string>>;
  /** The operator's changes. @default none */
  readonly overrides?: ServiceOverrides;
}

/** A construct running a catalogue service: a ServiceContainer, or a construct built around one (XucService, NginxFront...). */
export type XivoServiceRef = ServiceContainer | { readonly service: ServiceContainer };

/**
 * Variables given to a container: a map, or a function that gives it when the stack is
 * synthesized (a construct that composes them from parts added later, as XucService does).
 */
export type EnvPart = Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);

/** Files delivered into a container: a list, or a function that gives it when the stack is synthesized. */
export type UploadPart = readonly ContainerUpload[] | (() => readonly ContainerUpload[]);

/** Label prefix of the inputs that recreate a container when they change (see `recreateOn`). */
export const INPUT_LABEL_PREFIX = 'org.xivo.input.';

/** `[registry/]repository:tag` for a catalogue service, after the operator's overrides. */
export function serviceImage(deployment: Deployment, def: ServiceDefinition, overrides: ServiceOverrides = {}): string {
  const repository = overrides.image ?? def.image;
  const tag = overrides.tag ?? (def.tag.kind === 'release' ? `${deployment.release}.${distOf(deployment)}` : def.tag.tag);
  return withRegistry(deployment, `${repository}:${tag}`);
}

export class ServiceContainer extends Construct implements PlatformService {
  readonly definition: ServiceDefinition;
  readonly name: string;
  readonly image: Image;
  readonly container: Container;
  /** Data volumes by catalogue name. */
  readonly volumes: ReadonlyMap<string, Volume>;
  /** The running container this service adopted, if any. */
  readonly adopted?: AdoptedContainer;
  /** The server it runs on. */
  readonly server: XivoServer;
  /** Published host ports by port name, over the catalogue's (the operator's `ports`). */
  readonly publishedPorts: Readonly<Record<string, number>>;
  private readonly catalogueEnv: () => Readonly<Record<string, string>>;
  private readonly envParts: EnvPart[] = [];
  private readonly overrideEnv: Readonly<Record<string, string>>;
  private readonly uploadParts: UploadPart[] = [];
  private readonly mounts: BindMount[] = [];
  /** Catalogue volumes and the operator's mounts, which never change after construction. */
  private readonly fixedMounts: readonly ContainerVolumes[];

  constructor(scope: Construct, id: string, props: ServiceContainerProps) {
    super(scope, id);
    guardSharedToken(this);
    const { definition: def } = props;
    this.server = XivoServer.of(this);
    const deployment = this.server.deployment;
    const overrides = props.overrides ?? {};
    this.definition = def;
    this.adopted = overrides.adoptContainer;
    // An adopted container keeps its name: it is how the others reach it, before and after a replacement.
    this.name = overrides.adoptContainer?.name ?? containerName(def);
    const labels = deploymentLabels(deployment, def.role, def.name);
    const inputLabels = Object.fromEntries(
      Object.entries(props.recreateOn ?? {}).map(([name, value]) => [`${INPUT_LABEL_PREFIX}${name}`, Fn.sha256(value)]),
    );

    this.publishedPorts = { ...overrides.ports };
    // Read on the platform at synth: the services it reaches may be built on servers built later.
    this.catalogueEnv = prepareEnvSources(this, def.env, this.server.directory);
    this.server.platform.addService(this, this);
    this.overrideEnv = overrides.env ?? {};
    if (props.env) this.envParts.push(props.env);
    if (props.uploads) this.uploadParts.push(props.uploads);
    this.mounts.push(...(props.mounts ?? []));

    const imageName = serviceImage(deployment, def, overrides);
    this.image = new Image(this, 'image', { name: imageName, keepLocally: true });

    const volumes = new Map<string, Volume>();
    for (const v of def.volumes) {
      const adopted = overrides.adoptVolumes?.[v.name];
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
      if (adopted) importExisting(volume, adopted);
      volumes.set(v.name, volume);
    }
    this.volumes = volumes;

    this.fixedMounts = [
      ...def.volumes.map((v) => ({ volumeName: volumes.get(v.name)!.name, containerPath: v.containerPath })),
      // A host directory is mounted read-only unless the file says otherwise: uploads must not write through to the host.
      ...(overrides.volumes ?? []).map((v) => ({
        hostPath: v.hostPath,
        volumeName: v.volume,
        containerPath: v.containerPath,
        readOnly: v.readOnly ?? (v.hostPath ? true : undefined),
      })),
    ];
    for (const v of overrides.volumes ?? []) {
      if (v.allowSystemPath && v.hostPath) {
        Annotations.of(this).addWarning(`bind mount of the system path ${v.hostPath} (allowSystemPath: true): the container can change the host`);
      }
    }

    const health = def.healthcheck;
    const memory = overrides.memoryMb ?? def.memoryMb;
    // The adopted container's aliases (the Compose service name) stay, so that containers Compose still runs find a replacement.
    const aliases = [...new Set([this.name, ...(overrides.adoptContainer?.aliases ?? [])])];
    const fixed = {
      labels: labelList({ ...labels, ...composeLabels(def), ...inputLabels }),
      logDriver: 'json-file',
      logOpts: logOptions(deployment),
      networksAdvanced: [{ name: deployment.network.name, aliases }],
      ports: def.ports
        .map((p) => ({ internal: p.internal, external: overrides.ports?.[p.name] ?? p.published, protocol: p.protocol ?? 'tcp' }))
        .filter((p) => p.external !== undefined)
        .sort((a, b) => a.internal - b.internal),
      // On the PBX's host, XiVO's own services (configmgt on 9100) are reached on the host itself.
      host: deployment.onXivoHost ? [{ host: HOST_GATEWAY_NAME, ip: 'host-gateway' }] : undefined,
      healthcheck: health
        ? {
            test: [...health.test],
            interval: goDuration(health.interval ?? '30s'),
            timeout: goDuration(health.timeout ?? '10s'),
            retries: health.retries ?? 3,
            startPeriod: goDuration(health.startPeriod ?? '60s'),
          }
        : undefined,
    };
    this.container = new Container(this, 'container', {
      name: this.name,
      image: this.image.imageId,
      restart: overrides.restart ?? DEFAULT_RESTART,
      // Rendered once, when the stack is synthesized: whatever was added before then is in.
      env: Lazy.listValue({ produce: () => envList(this.environment) }),
      ...fixed,
      volumes: Lazy.anyValue({ produce: () => this.renderMounts()?.map(containerVolumesToTerraform) }) as unknown as ContainerVolumes[],
      upload: Lazy.anyValue({ produce: () => this.renderUploads()?.map(containerUploadToTerraform) }) as unknown as ContainerUpload[],
      memory,
      // Docker's default swap limit is twice the memory limit; left unset, the provider reads it
      // back from the engine and plans a change on every deploy.
      memorySwap: memory === undefined ? undefined : memory * 2,
    });
    if (overrides.adoptContainer) {
      // What the plan cannot compare with the running container, as finally configured (after addEnv, addUpload, addMount).
      // The inputs themselves rather than their sha256 labels: cdktf cannot nest its functions around tokens.
      adoptContainer(this, this.container, overrides.adoptContainer, () => ({
        ...fixed,
        labels: labelList({ ...labels, ...composeLabels(def) }),
        recreateOn: props.recreateOn ?? {},
        image: imageName,
        imageId: this.image.imageId,
        env: envList(this.environment),
        volumes: this.renderMounts() ?? [],
        upload: this.renderUploads() ?? [],
      }));
    }
  }

  /** Replaces the container whenever `trigger` (a resource reference) is replaced or updated. */
  addReplaceTrigger(trigger: string): void {
    addLifecycle(this.container, { replaceTriggeredBy: [trigger] });
  }

  /** The environment of the container as it is now (synth renders it once more, with everything added), before sorting into `KEY=VALUE`. */
  get environment(): Readonly<Record<string, string>> {
    const features = this.envParts.map((part) => (typeof part === 'function' ? part() : part));
    return Object.assign({}, this.catalogueEnv(), ...features, this.overrideEnv);
  }

  /**
   * Sets variables over the catalogue's (the operator's overrides still win); a later value of a
   * key replaces the earlier. A function is called when the stack is synthesized.
   */
  addEnv(vars: EnvPart): void {
    this.envParts.push(vars);
  }

  /** Delivers files into the container at create time; a later upload to the same path replaces the earlier. */
  addUpload(upload: ContainerUpload | UploadPart): void {
    this.uploadParts.push(typeof upload === 'function' || Array.isArray(upload) ? (upload as UploadPart) : [upload as ContainerUpload]);
  }

  /** Bind-mounts a host path (read-only unless said otherwise). */
  addMount(mount: BindMount): void {
    this.mounts.push(mount);
  }

  /** Every upload, the last one to a path winning, sorted by path. */
  private renderUploads(): ContainerUpload[] | undefined {
    const byFile = new Map<string, ContainerUpload>();
    for (const part of this.uploadParts) for (const upload of typeof part === 'function' ? part() : part) byFile.set(upload.file, upload);
    return byFile.size ? [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file)) : undefined;
  }

  /** Catalogue volumes, bind mounts, then the operator's: sorted by container path (a stable sort keeps that order on ties). */
  private renderMounts(): ContainerVolumes[] | undefined {
    const volumes = this.definition.volumes.length;
    const all: ContainerVolumes[] = [
      ...this.fixedMounts.slice(0, volumes),
      ...this.mounts.map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath, readOnly: m.readOnly ?? true })),
      ...this.fixedMounts.slice(volumes),
    ].sort((a, b) => (a.containerPath ?? '').localeCompare(b.containerPath ?? ''));
    return all.length ? all : undefined;
  }
}
