/**
 * The deployed estate as backup, restore, drift and upgrade need it, read from the synthesized
 * output (what the last deploy applied): per stack, its Docker host connection (the provider's own:
 * the same `ssh://`, `tcp://` with client TLS or `unix://` as the deploy), its roles, and its
 * containers with their labels, image names and volumes.
 */
import * as path from 'path';
import * as fs from 'fs';
import { BackupDefinition, backupsOf } from '../catalogue/backups';
import { isServiceId, Role, ServiceId } from '../catalogue/types';
import { labelRecord } from '../constructs/labels';
import { DockerConnection } from '../discover/docker-api';
import { readStacks, selectStacks, StackInfo } from '../deploy/stack-info';

export interface EstateVolume {
  readonly containerPath: string;
  /** Docker volume name (named volumes). */
  readonly volume?: string;
  /** The volume resource's construct path ends with `volume-<name>`: the catalogue's short name. */
  readonly shortName?: string;
  readonly hostPath?: string;
}

export interface EstateContainer {
  /** Terraform address, `docker_container.<id>`. */
  readonly address: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The image's name (`xivoxc/xuc:2024.05.latest`), resolved from its docker_image resource. */
  readonly image: string;
  readonly volumes: readonly EstateVolume[];
  /** Catalogue service, for the service containers (`org.xivo.role` + `org.xivo.service`). */
  readonly service?: ServiceId;
  /** Not started by the deploy (HostFile writers, one-shot jobs). */
  readonly oneShot: boolean;
}

export interface EstateStack {
  readonly info: StackInfo;
  readonly connection: DockerConnection;
  readonly roles: readonly Role[];
  readonly containers: readonly EstateContainer[];
  /** The helper image of HostFile and EnvFileKeys (busybox): what backup and drift jobs run. */
  readonly helperImage?: string;
}

/** One data volume to back up: its container, Docker volume and method (catalogue/backups.ts). */
export interface DataVolume {
  readonly container: EstateContainer;
  readonly volume: string;
  readonly definition: BackupDefinition;
  /** `<service>.<volume>`: the item's name in a backup. */
  readonly item: string;
}

interface ProviderJson {
  readonly host?: string;
  readonly ssh_opts?: string[];
  readonly ca_material?: string;
  readonly cert_material?: string;
  readonly key_material?: string;
}

interface ResourceJson {
  readonly '//'?: { readonly metadata?: { readonly path?: string } };
  readonly name?: string;
  readonly image?: string;
  readonly labels?: { label: string; value: string }[];
  readonly volumes?: { container_path: string; volume_name?: string; host_path?: string }[];
  readonly start?: boolean;
  readonly must_run?: boolean;
}

/** `${file("../x.pem")}` (the provider's TLS material) as a path from the stack directory. */
function materialFile(stackDir: string, value: string | undefined): string | undefined {
  const m = /^\$\{file\("(.+)"\)\}$/.exec(value ?? '');
  return m ? path.resolve(stackDir, m[1]) : undefined;
}

const REF = /^\$\{([a-z_]+)\.([^.}]+)\.[a-z_]+\}$/;

export function readEstateStack(info: StackInfo): EstateStack {
  const config = JSON.parse(fs.readFileSync(path.join(info.dir, 'cdk.tf.json'), 'utf8')) as {
    provider?: { docker?: ProviderJson[] };
    resource?: Record<string, Record<string, ResourceJson>>;
  };
  const provider = config.provider?.docker?.[0] ?? {};
  const ca = materialFile(info.dir, provider.ca_material);
  const cert = materialFile(info.dir, provider.cert_material);
  const key = materialFile(info.dir, provider.key_material);
  const connection: DockerConnection = {
    host: provider.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
    sshOpts: provider.ssh_opts,
    tls: ca && cert && key ? { caFile: ca, certFile: cert, keyFile: key } : undefined,
  };
  const resources = config.resource ?? {};
  const lookup = (ref: string | undefined, kind: string): ResourceJson | undefined => {
    const m = REF.exec(ref ?? '');
    return m && m[1] === kind ? resources[kind]?.[m[2]] : undefined;
  };
  const containers = Object.entries(resources.docker_container ?? {}).map(([id, c]): EstateContainer => {
    const labels = labelRecord(c.labels);
    const serviceId = `${labels['org.xivo.role']}.${labels['org.xivo.service']}`;
    return {
      address: `docker_container.${id}`,
      name: c.name ?? id,
      labels,
      image: lookup(c.image, 'docker_image')?.name ?? c.image ?? '',
      volumes: (c.volumes ?? []).map((v) => {
        const volume = lookup(v.volume_name, 'docker_volume');
        const shortName = /\/volume-([^/]+)$/.exec(volume?.['//']?.metadata?.path ?? '')?.[1];
        return { containerPath: v.container_path, volume: volume?.name ?? v.volume_name, shortName, hostPath: v.host_path };
      }),
      service: isServiceId(serviceId) ? serviceId : undefined,
      oneShot: c.start === false || c.must_run === false,
    };
  });
  const roles = [...new Set(containers.map((c) => c.labels['org.xivo.role']).filter(Boolean))] as Role[];
  const helper = containers.find((c) => c.labels['org.xivo.host-file'] || c.labels['org.xivo.job'] === 'env-file-keys');
  return { info, connection, roles, containers, helperImage: helper?.image };
}

/** The stacks of `environment` (one server's with `server`), in the output's order. */
export function readEstate(outdir: string, environment: string, server?: string): EstateStack[] {
  const stacks = selectStacks(readStacks(outdir), [], [environment]).filter((s) => !server || s.server === server || s.name === server);
  if (server && !stacks.length) {
    const have = selectStacks(readStacks(outdir), [], [environment]).map((s) => s.server);
    throw new EstateError(`environment "${environment}" has no server "${server}" (have: ${have.join(', ')})`);
  }
  return stacks.map(readEstateStack);
}

/** The data volumes of a stack that the catalogue backs up, in catalogue order. */
export function dataVolumes(stack: EstateStack): DataVolume[] {
  return stack.containers.flatMap((container) =>
    container.service
      ? backupsOf(container.service).flatMap((definition) => {
          const mounted = container.volumes.find((v) => v.shortName === definition.volume && v.volume);
          return mounted ? [{ container, volume: mounted.volume!, definition, item: `${definition.service}.${definition.volume}` }] : [];
        })
      : [],
  );
}

/** A request the estate cannot answer (unknown server, no helper image). */
export class EstateError extends Error {}
