/**
 * What discover reads from one Docker host, as plain JSON: the engine's own `docker inspect`
 * answers (containers, their images, the images their names point at now, their networks) and
 * the role env files (`factory.env`, `custom.env`). Mapping it to an environment file is a pure
 * function of this snapshot, so the unit tests replay snapshots recorded on real engines
 * (`npm run discover -- --record`, secrets redacted by `redactSnapshot`).
 */
import { SECRET_NAME } from '../config/rules-secrets';

/** Label of discover's helper containers (leftovers of an interrupted run can be found by it). */
export const DISCOVER_LABEL = 'org.xivo.discover';

/** The fields of `docker inspect <container>` that discover reads (the recording keeps them all). */
export interface ContainerInspect {
  readonly Id: string;
  /** `/xivocc_xuc_1` */
  readonly Name: string;
  readonly Image: string;
  readonly State: { readonly Status: string; readonly Running: boolean; readonly StartedAt: string };
  readonly Config: {
    /** The image reference the container was created from (`xivoxc/xuc:2024.05.02`). */
    readonly Image: string;
    readonly Env?: readonly string[] | null;
    readonly Labels?: Readonly<Record<string, string>> | null;
    readonly Healthcheck?: { readonly Test?: readonly string[] } | null;
  };
  readonly HostConfig: {
    readonly PortBindings?: Readonly<Record<string, readonly { readonly HostIp: string; readonly HostPort: string }[] | null>> | null;
    readonly RestartPolicy?: { readonly Name: string; readonly MaximumRetryCount: number } | null;
    readonly Memory?: number;
    readonly MemorySwap?: number;
    readonly LogConfig?: { readonly Type: string; readonly Config?: Readonly<Record<string, string>> | null } | null;
    readonly NetworkMode?: string;
  };
  readonly Mounts?:
    readonly { readonly Type: string; readonly Name?: string; readonly Source: string; readonly Destination: string; readonly RW: boolean }[] | null;
  readonly NetworkSettings: { readonly Networks?: Readonly<Record<string, { readonly Aliases?: readonly string[] | null }>> | null };
}

/** The fields of `docker image inspect` that discover reads. */
export interface ImageInspect {
  readonly Id: string;
  readonly RepoTags?: readonly string[] | null;
  readonly Config?: { readonly Env?: readonly string[] | null } | null;
}

export interface NetworkInspect {
  readonly Id: string;
  readonly Name: string;
  readonly Driver: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
}

export interface HostSnapshot {
  /** Format of this JSON, for recordings. */
  readonly format: 1;
  /** The Docker host URL read. */
  readonly host: string;
  readonly engine: { readonly Version: string; readonly ApiVersion: string };
  /** Every container of the host (`docker ps -a`), inspected. */
  readonly containers: readonly ContainerInspect[];
  /** The image of each container, by id. */
  readonly images: Readonly<Record<string, ImageInspect>>;
  /** What each image reference used by a container names now (an id), null when absent. */
  readonly tags: Readonly<Record<string, string | null>>;
  /** The networks the containers are on. */
  readonly networks: readonly NetworkInspect[];
  /** Role env files read on the host, by absolute path: their text, or null when absent. */
  readonly files: Readonly<Record<string, string | null>>;
}

/** `KEY=value` → [KEY, value]. */
export function splitEnv(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Names of secrets: the token and every name the secret rules refuse in environment files. */
export function isSecretName(name: string): boolean {
  return name === 'PLAY_AUTH_TOKEN' || SECRET_NAME.test(name);
}

/**
 * The snapshot with every secret value (env entries and env-file lines whose name is a
 * secret's) replaced by `<redacted-N>`, N the same for equal values: a recording shows where
 * two secrets are equal or differ, never what they are.
 */
export function redactSnapshot(snapshot: HostSnapshot, numbering: Map<string, number> = new Map()): HostSnapshot {
  const marker = (value: string) => {
    if (!numbering.has(value)) numbering.set(value, numbering.size + 1);
    return `<redacted-${numbering.get(value)}>`;
  };
  const entry = (e: string) => {
    const [name, value] = splitEnv(e);
    return isSecretName(name) && value !== '' ? `${name}=${marker(value)}` : e;
  };
  const file = (text: string | null) =>
    text === null
      ? null
      : text
          .split('\n')
          .map((line) => (/^\s*[A-Za-z_][A-Za-z0-9_.]*=/.test(line) ? entry(line) : line))
          .join('\n');
  return {
    ...snapshot,
    containers: snapshot.containers.map((c) => ({ ...c, Config: { ...c.Config, Env: c.Config.Env?.map(entry) ?? c.Config.Env } })),
    images: Object.fromEntries(
      Object.entries(snapshot.images).map(([id, image]) => [
        id,
        { ...image, Config: image.Config && { ...image.Config, Env: image.Config.Env?.map(entry) ?? image.Config.Env } },
      ]),
    ),
    files: Object.fromEntries(Object.entries(snapshot.files).map(([p, text]) => [p, file(text)])),
  };
}
