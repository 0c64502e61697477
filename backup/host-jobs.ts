/**
 * What backup, restore and drift do on a Docker host, through its Docker API only (so ssh:// and
 * tcp:// hosts work as the local one): short jobs of the helper image (busybox) with host paths
 * or volumes mounted, commands run inside a service's container, and files copied between
 * containers as tar streams (never held in memory). Every container made here carries the
 * label `org.xivo.ops` and is removed when done.
 */
import { randomBytes } from 'crypto';
import { DockerApi, DockerApiError } from '../discover/docker-api';
import { firstFileOfTar } from '../discover/tar';

/** Label of the containers made by backup, restore and drift (leftovers of an interrupted run can be found by it). */
const OPS_LABEL = 'org.xivo.ops';
const POLL_MS = 250;
/** The longest a job or a command may run (a dump of a large database takes minutes). */
const JOB_TIMEOUT_MS = 6 * 60 * 60 * 1000;

export interface JobResult {
  readonly code: number;
  /** stdout and stderr, in order. */
  readonly output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = () => `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** stdout and stderr of a container's log stream (`GET /containers/{id}/logs`, no TTY: 8-byte frame headers). */
export function demuxLogs(stream: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= stream.length;) {
    const size = stream.readUInt32BE(at + 4);
    parts.push(stream.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** A container's inspect, or undefined when there is none of that name. */
export async function inspectContainer(api: DockerApi, name: string): Promise<ContainerState | undefined> {
  const res = await api.request('GET', `/containers/${encodeURIComponent(name)}/json`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new DockerApiError(`inspecting ${name}: HTTP ${res.status}: ${res.body.toString().trim()}`);
  return JSON.parse(res.body.toString()) as ContainerState;
}

export interface ContainerState {
  readonly Id: string;
  readonly Name: string;
  readonly State: { readonly Status: string; readonly Running: boolean; readonly Restarting: boolean; readonly ExitCode: number };
  readonly RestartCount: number;
  readonly Config: { readonly Image: string; readonly Labels?: Record<string, string>; readonly Healthcheck?: { readonly Test?: string[] } };
  readonly Image: string;
}

/**
 * Runs `script` (sh -c) in a new container of `image` with `binds` (`source:target[:ro]`, as
 * `docker run -v`), no network, and returns its exit code and output. The container is removed.
 */
export async function runJob(
  api: DockerApi,
  image: string,
  script: string,
  binds: readonly string[],
  env: Record<string, string> = {},
): Promise<JobResult> {
  const created = await api.json<{ Id: string }>('POST', `/containers/create?name=xivo-ops-${unique()}`, {
    Image: image,
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { [OPS_LABEL]: 'job' },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Binds: [...binds] },
  });
  try {
    await api.json('POST', `/containers/${created.Id}/start`);
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const state = (await api.json<ContainerState>('GET', `/containers/${created.Id}/json`)).State;
      if (!state.Running) {
        const logs = await api.request('GET', `/containers/${created.Id}/logs?stdout=1&stderr=1`);
        return { code: state.ExitCode, output: demuxLogs(logs.body) };
      }
      if (Date.now() > deadline) throw new DockerApiError(`job of ${image} still running after ${JOB_TIMEOUT_MS / 60000} min`);
      await sleep(POLL_MS);
    }
  } finally {
    await api.request('DELETE', `/containers/${created.Id}?force=1&v=1`);
  }
}

/** runJob, and an error with its output when it fails. */
export async function mustRunJob(
  api: DockerApi,
  image: string,
  what: string,
  script: string,
  binds: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  const res = await runJob(api, image, script, binds, env);
  if (res.code !== 0) throw new DockerApiError(`${what}: exit ${res.code}: ${res.output.trim().slice(-2000)}`);
  return res.output;
}

/**
 * Runs `script` (sh -c) inside the running container `container` as `user`. Detached, its output
 * written to files in the container and read back once it ends: a dump that prints nothing for
 * minutes never trips a connection timeout.
 */
export async function execIn(api: DockerApi, container: string, script: string, user = ''): Promise<JobResult> {
  const dir = `/tmp/xivo-ops-exec-${unique()}`;
  const wrapped = `mkdir -p ${dir} && ( ${script} ) >${dir}/out 2>&1; echo $? >${dir}/code`;
  const exec = await api.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(container)}/exec`, {
    Cmd: ['sh', '-c', wrapped],
    User: user,
    AttachStdout: false,
    AttachStderr: false,
  });
  await api.json('POST', `/exec/${exec.Id}/start`, { Detach: true, Tty: false });
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  while ((await api.json<{ Running: boolean }>('GET', `/exec/${exec.Id}/json`)).Running) {
    if (Date.now() > deadline) throw new DockerApiError(`command in ${container} still running after ${JOB_TIMEOUT_MS / 60000} min`);
    await sleep(POLL_MS);
  }
  const read = async (file: string) => {
    const res = await api.request('GET', `/containers/${encodeURIComponent(container)}/archive?path=${encodeURIComponent(`${dir}/${file}`)}`);
    return res.status === 200 ? (firstFileOfTar(res.body)?.toString('utf8') ?? '') : '';
  };
  const output = await read('out');
  const code = Number((await read('code')).trim() || '255');
  const cleanup = await api.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(container)}/exec`, {
    Cmd: ['rm', '-rf', dir],
    User: user,
  });
  await api.json('POST', `/exec/${cleanup.Id}/start`, { Detach: true, Tty: false });
  return { code, output };
}

export async function mustExecIn(api: DockerApi, container: string, what: string, script: string, user = ''): Promise<string> {
  const res = await execIn(api, container, script, user);
  if (res.code !== 0) throw new DockerApiError(`${what} (in ${container}): exit ${res.code}: ${res.output.trim().slice(-2000)}`);
  return res.output;
}

/**
 * A container of `image` that is created, never started, with `binds` mounted: the end of a
 * copy into a host directory or volume (`PUT …/archive` writes through the mount). Removed by
 * `release`.
 */
export async function mountHelper(api: DockerApi, image: string, binds: readonly string[]): Promise<{ id: string; release: () => Promise<void> }> {
  const created = await api.json<{ Id: string }>('POST', `/containers/create?name=xivo-ops-${unique()}`, {
    Image: image,
    Entrypoint: ['/nonexistent'],
    Cmd: [],
    Labels: { [OPS_LABEL]: 'mount' },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Binds: [...binds] },
  });
  return { id: created.Id, release: async () => void (await api.request('DELETE', `/containers/${created.Id}?force=1`)) };
}

/**
 * Copies `sourcePath` (a file or directory) of container `source` into directory `targetDir` of
 * container `target` (which may be on another engine), as one tar stream.
 */
export async function copyBetween(
  from: DockerApi,
  source: string,
  sourcePath: string,
  to: DockerApi,
  target: string,
  targetDir: string,
): Promise<void> {
  const got = await from.stream(
    'GET',
    `/containers/${encodeURIComponent(source)}/archive?path=${encodeURIComponent(sourcePath)}`,
    undefined,
    JOB_TIMEOUT_MS,
  );
  if (got.statusCode !== 200) {
    got.resume();
    throw new DockerApiError(`reading ${sourcePath} of ${source}: HTTP ${got.statusCode}`);
  }
  const put = await to.stream('PUT', `/containers/${encodeURIComponent(target)}/archive?path=${encodeURIComponent(targetDir)}`, got, JOB_TIMEOUT_MS);
  const chunks: Buffer[] = [];
  for await (const chunk of put) chunks.push(chunk as Buffer);
  if (put.statusCode !== 200)
    throw new DockerApiError(`writing ${targetDir} of ${target}: HTTP ${put.statusCode}: ${Buffer.concat(chunks).toString().trim()}`);
}

/** Single-quotes `value` for sh. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
