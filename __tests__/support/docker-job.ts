/**
 * Replays a synthesized one-shot job (a `docker_container` with `attach = true`,
 * `must_run = false`, e.g. an EnvFileKeys job) against a real engine, as kreuzwerker/docker
 * 3.6.2 applies it: ContainerCreate (entrypoint, user, network mode, capabilities, security
 * options, binds, labels), the
 * `upload`s copied in before start, ContainerStart, then ContainerWait because of `attach`.
 * Host paths are mapped under a temp dir so a test never touches the real /etc.
 */
import * as path from 'path';
import { DockerEngine } from './docker-engine';
import { tarArchive } from './docker-tar';
import { renderTemplate } from './docker-host-file';
import { demuxLogs } from '../../backup/host-jobs';

/** Attributes of a job that the replay implements; any other one must be added here. */
const REPLAYED = new Set([
  '//',
  'name',
  'image',
  'entrypoint',
  'user',
  'network_mode',
  'capabilities',
  'security_opts',
  'attach',
  'must_run',
  'restart',
  'labels',
  'volumes',
  'upload',
  'lifecycle',
  'depends_on',
  'provider',
]);

export interface JobReplayOptions {
  readonly engine: DockerEngine;
  /** Host paths are bound under this directory (`/etc/x` → `<hostRoot>/etc/x`). */
  readonly hostRoot: string;
  /** Local image standing in for the job's image (nothing can be pulled). */
  readonly image: string;
  /** Values of the Terraform variables referenced by uploaded content. */
  readonly variables: Readonly<Record<string, string>>;
  /** Prefixed to the container name, so a real container of the same name is never touched. */
  readonly namePrefix: string;
  /** Added to the job's labels, for cleanup. */
  readonly extraLabels: Readonly<Record<string, string>>;
}

export interface JobRun {
  readonly containerId: string;
  /** Exit code, the `exit_code` attribute the job's postcondition checks. */
  readonly exitCode: number;
  /** stdout and stderr of the job. */
  readonly logs: string;
}

export async function runJob(config: Record<string, any>, options: JobReplayOptions): Promise<JobRun> {
  const where = config['//']?.metadata?.path ?? config.name;
  const unknown = Object.keys(config).filter((key) => !REPLAYED.has(key));
  if (unknown.length) throw new Error(`${where}: attributes ${unknown.join(', ')} are not replayed: extend __tests__/support/docker-job.ts`);
  if (config.attach !== true || config.must_run !== false) throw new Error(`${where}: a job needs attach = true and must_run = false`);

  const volumes: { host_path?: string; container_path: string; read_only?: boolean }[] = config.volumes ?? [];
  const binds = volumes.map((v) => {
    if (!v.host_path) throw new Error(`${where}: only host_path volumes are replayed`);
    return `${path.join(options.hostRoot, v.host_path)}:${v.container_path}:${v.read_only ? 'ro' : 'rw'}`;
  });
  const labels: Record<string, string> = { ...options.extraLabels };
  for (const { label, value } of config.labels ?? []) labels[label] = value;

  const { engine } = options;
  const created = await engine.call<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(options.namePrefix + config.name)}`, {
    Image: options.image,
    Entrypoint: config.entrypoint,
    User: config.user,
    Labels: labels,
    HostConfig: {
      Binds: binds,
      NetworkMode: config.network_mode ?? 'default',
      CapAdd: config.capabilities?.add,
      CapDrop: config.capabilities?.drop,
      SecurityOpt: config.security_opts,
      RestartPolicy: { Name: config.restart ?? 'no', MaximumRetryCount: 0 },
    },
  });
  for (const upload of config.upload ?? []) {
    if (!upload.content) throw new Error(`${where}: upload ${upload.file}: only content is replayed`);
    const content = Buffer.from(renderTemplate(upload.content, options.variables), 'utf8');
    const mode = upload.permissions ? parseInt(upload.permissions, 8) : 0o644;
    await engine.call(
      'PUT',
      `/containers/${created.Id}/archive?path=${encodeURIComponent('/')}`,
      tarArchive([{ name: upload.file, mode, content }]),
      'application/x-tar',
    );
  }
  await engine.call('POST', `/containers/${created.Id}/start`);
  const waited = await engine.call<{ StatusCode: number }>('POST', `/containers/${created.Id}/wait`);
  const logs = await engine.request('GET', `/containers/${created.Id}/logs?stdout=1&stderr=1`);
  return { containerId: created.Id, exitCode: waited.StatusCode, logs: demuxLogs(logs.body) };
}
