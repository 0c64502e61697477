/**
 * Replays a synthesized HostFile writer (a `docker_container` with `start = false`) against a
 * real engine, call for call as kreuzwerker/docker 3.6.2 applies it: ContainerCreate with
 * Binds `host_path:container_path:rw`, then per `upload` a one-file tar (entry name = `file`,
 * mode = `permissions`) sent to CopyToContainer at `/`, then no start.
 * Host paths are mapped under a temp dir so a test never touches the real /etc.
 */
import * as path from 'path';
import { DockerEngine } from './docker-engine';
import { tarArchive } from './docker-tar';
import { resources, SynthOutput } from './synth';

export interface HostFileWriter {
  readonly stack: string;
  /** Construct path, e.g. `lab-allinone/cc/custom-env/writer`. */
  readonly constructPath: string;
  /** The `docker_container` block of cdk.tf.json. */
  readonly config: Record<string, any>;
}

/** Every never-started container (the HostFile writers) of every stack, sorted. */
export function hostFileWriters(output: SynthOutput): HostFileWriter[] {
  return [...output.stacks].sort().flatMap((stack) =>
    resources(output.json(stack), 'docker_container')
      .filter(([, config]) => config.start === false)
      .map(([id, config]) => ({ stack, constructPath: config['//']?.metadata?.path ?? `${stack}/${id}`, config })),
  );
}

/** An attribute of another resource or data source: `${tls_private_key.x.private_key_pem}`. */
const ATTRIBUTE_REFERENCE = /^(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;

/** Does the template call Terraform functions (e.g. `file()` of a plan-time file)? */
export function callsFunctions(template: string): boolean {
  return /\$\{[^}]*\(/.test(template);
}

/**
 * Renders a Terraform template string the way Terraform does for the references HostFile
 * content holds today: `${var.<name>}`, attributes of other resources (given by
 * `attribute`, e.g. a test PEM for a certificate), and the escapes `$${` and `%%{`. Anything
 * else (functions, directives) throws, so a new kind of content cannot pass unrendered.
 */
export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, string>>,
  attribute: (reference: string) => string = () => {
    throw new Error('no attribute values given');
  },
): string {
  return template.replace(/\$\$\{|%%\{|\$\{([^}]*)\}|%\{/g, (match: string, reference?: string) => {
    if (match === '$${') return '${';
    if (match === '%%{') return '%{';
    const ref = reference?.trim() ?? '';
    const name = /^var\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(ref)?.[1];
    if (name !== undefined && name in variables) return variables[name];
    if (name === undefined && ATTRIBUTE_REFERENCE.test(ref)) return attribute(ref);
    throw new Error(`cannot render "${match}": this test renders only \${var.${Object.keys(variables).join('|')}} and resource attributes`);
  });
}

/** Attributes of a writer that the replay below implements; any other one must be added to it. */
const REPLAYED = new Set(['//', 'name', 'image', 'start', 'must_run', 'labels', 'volumes', 'upload', 'depends_on', 'provider']);

export interface ReplayOptions {
  readonly engine: DockerEngine;
  /** Host paths are written under this directory (`/etc/x` → `<hostRoot>/etc/x`). */
  readonly hostRoot: string;
  /** Local image standing in for the helper image (nothing can be pulled). */
  readonly image: string;
  /** Values of the Terraform variables referenced by the content. */
  readonly variables: Readonly<Record<string, string>>;
  /** Value of a resource attribute referenced by the content (e.g. a certificate's PEM). */
  readonly attribute?: (reference: string) => string;
  /** Prefixed to the container name, so a real helper of the same name is never touched. */
  readonly namePrefix: string;
  /** Added to the writer's labels, for cleanup. */
  readonly extraLabels: Readonly<Record<string, string>>;
}

export interface UploadedFile {
  /** Path on the (real) Docker host, from the bind mount the upload lands in. */
  readonly hostPath: string | undefined;
  /** Where the test finds it: hostPath under hostRoot. */
  readonly localPath: string | undefined;
  /** Rendered bytes, as Terraform would hand them to the provider. */
  readonly content: Buffer;
  readonly mode: number;
}

export interface ReplayedWriter {
  readonly containerId: string;
  readonly files: UploadedFile[];
}

export async function replayWriter(writer: HostFileWriter, options: ReplayOptions): Promise<ReplayedWriter> {
  const { config } = writer;
  const where = writer.constructPath;
  const unknown = Object.keys(config).filter((key) => !REPLAYED.has(key));
  if (unknown.length) throw new Error(`${where}: attributes ${unknown.join(', ')} are not replayed: extend __tests__/support/docker-host-file.ts`);
  if (config.must_run !== false) {
    // The provider's read deletes a container that is not running unless must_run = false.
    throw new Error(`${where}: must_run must be false, or kreuzwerker/docker deletes the never-started writer after creating it`);
  }

  const volumes: { host_path?: string; container_path: string; read_only?: boolean; volume_name?: string }[] = config.volumes ?? [];
  const binds = volumes.map((v) => {
    if (!v.host_path || v.volume_name) throw new Error(`${where}: only host_path volumes are replayed`);
    return `${path.join(options.hostRoot, v.host_path)}:${v.container_path}:${v.read_only ? 'ro' : 'rw'}`;
  });
  const labels: Record<string, string> = { ...options.extraLabels };
  for (const { label, value } of config.labels ?? []) labels[label] = value;

  const created = await options.engine.call<{ Id: string }>(
    'POST',
    `/containers/create?name=${encodeURIComponent(options.namePrefix + config.name)}`,
    {
      Image: options.image,
      Labels: labels,
      Volumes: Object.fromEntries(volumes.map((v) => [v.container_path, {}])),
      HostConfig: { Binds: binds, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, LogConfig: { Type: 'json-file' }, Init: false },
    },
  );

  const files: UploadedFile[] = [];
  for (const upload of config.upload ?? []) {
    const given = (['content', 'content_base64', 'source'] as const).filter((key) => upload[key]);
    if (given.length !== 1)
      throw new Error(
        `${where}: upload ${upload.file} needs exactly one non-empty content, content_base64 or source (the provider rejects it otherwise)`,
      );
    if (given[0] === 'source') throw new Error(`${where}: upload source is read on the machine running terraform: not replayed`);
    const rendered = renderTemplate(upload[given[0]], options.variables, options.attribute);
    const content = given[0] === 'content' ? Buffer.from(rendered, 'utf8') : Buffer.from(rendered, 'base64');
    const mode = upload.permissions ? parseInt(upload.permissions, 8) : upload.executable ? 0o744 : 0o644;
    await options.engine.call(
      'PUT',
      `/containers/${created.Id}/archive?path=${encodeURIComponent('/')}&noOverwriteDirNonDir=true`,
      tarArchive([{ name: upload.file, mode, content }]),
      'application/x-tar',
    );
    const hostPath = hostPathOf(upload.file, volumes);
    files.push({ hostPath, localPath: hostPath && path.join(options.hostRoot, hostPath), content, mode });
  }
  return { containerId: created.Id, files };
}

/** The host path a container path resolves to through the bind mounts, if it is in one. */
function hostPathOf(file: string, volumes: readonly { host_path?: string; container_path: string }[]): string | undefined {
  for (const v of volumes) {
    const rest = path.posix.relative(v.container_path, file);
    if (v.host_path && rest && !rest.startsWith('..') && !path.posix.isAbsolute(rest)) return path.posix.join(v.host_path, rest);
  }
  return undefined;
}

/**
 * `KEY=VALUE` entries of an env file, as Docker's `--env-file` reads them: blank lines and
 * `#` lines skipped, the value taken verbatim. Stricter than Docker on purpose: a line
 * without `=` would make Docker copy the variable from the deploying shell, so it throws.
 */
export function envFileEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`env file line is not KEY=VALUE: ${JSON.stringify(line)}`);
    if (entries.has(match[1])) throw new Error(`env file sets ${match[1]} twice`);
    entries.set(match[1], match[2]);
  }
  return entries;
}
