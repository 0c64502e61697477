/**
 * Reads a HostSnapshot through the Docker API only: every container inspected, their images
 * and networks, and the role env files (`factory.env`, `custom.env`), read like HostFile writes
 * them: a helper container that is created but never started, the file's directory
 * bind-mounted read-only (a missing directory is an error, never created), the file fetched
 * through the archive endpoint, the helper removed. The helper runs from an image already on
 * the host (a container's), so nothing is pulled.
 */
import * as path from 'path';
import { DockerApi, DockerApiError } from './docker-api';
import { ContainerInspect, DISCOVER_LABEL, HostSnapshot, ImageInspect, NetworkInspect } from './snapshot';
import { firstFileOfTar } from './tar';

/** The env files of a role directory that discover reads (factory defaults, then the operator's). */
export const ENV_FILE_NAMES = ['factory.env', 'custom.env'] as const;

export async function readHost(api: DockerApi, envFileDirectories: readonly string[]): Promise<HostSnapshot> {
  const engine = await api.json<{ Version: string; ApiVersion: string }>('GET', '/version');
  const list = await api.json<{ Id: string }[]>('GET', '/containers/json?all=1');
  const containers: ContainerInspect[] = [];
  for (const { Id } of list) containers.push(await api.json<ContainerInspect>('GET', `/containers/${Id}/json`));
  containers.sort((a, b) => a.Name.localeCompare(b.Name));

  const images: Record<string, ImageInspect> = {};
  for (const id of [...new Set(containers.map((c) => c.Image))].sort()) {
    const res = await api.request('GET', `/images/${encodeURIComponent(id)}/json`);
    if (res.status === 200) images[id] = JSON.parse(res.body.toString()) as ImageInspect;
  }
  const tags: Record<string, string | null> = {};
  for (const ref of [...new Set(containers.map((c) => c.Config.Image))].sort()) {
    const res = await api.request('GET', `/images/${encodeURIComponent(ref)}/json`);
    tags[ref] = res.status === 200 ? (JSON.parse(res.body.toString()) as ImageInspect).Id : null;
  }
  const networks: NetworkInspect[] = [];
  for (const name of [...new Set(containers.flatMap((c) => Object.keys(c.NetworkSettings.Networks ?? {})))].sort()) {
    const res = await api.request('GET', `/networks/${encodeURIComponent(name)}`);
    if (res.status === 200) networks.push(JSON.parse(res.body.toString()) as NetworkInspect);
  }

  const files: Record<string, string | null> = {};
  const helperImage = containers[0]?.Image ?? (await api.json<{ Id: string }[]>('GET', '/images/json'))[0]?.Id;
  for (const dir of [...new Set(envFileDirectories)].sort()) {
    const read = helperImage ? await readDirectoryFiles(api, helperImage, dir) : new Map<string, string | null>();
    for (const name of ENV_FILE_NAMES) files[path.posix.join(dir, name)] = read.get(name) ?? null;
  }
  return {
    format: 1,
    host: api.connection.host,
    engine: { Version: engine.Version, ApiVersion: engine.ApiVersion },
    containers,
    images,
    tags,
    networks,
    files,
  };
}

/** The env files of one host directory, through a never-started helper container; absent files (or directory) are null. */
async function readDirectoryFiles(api: DockerApi, image: string, dir: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const created = await api.request('POST', `/containers/create?name=xivo-discover-${process.pid}-${Date.now()}`, {
    Image: image,
    Entrypoint: ['/nonexistent'],
    Cmd: [],
    Labels: { [DISCOVER_LABEL]: dir },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'bind', Source: dir, Target: '/host', ReadOnly: true }] },
  });
  if (created.status === 400 && /does not exist|no such file/i.test(created.body.toString())) return out;
  if (created.status !== 201)
    throw new DockerApiError(`creating the helper container that reads ${dir}: HTTP ${created.status}: ${created.body.toString().trim()}`);
  const { Id } = JSON.parse(created.body.toString()) as { Id: string };
  try {
    for (const name of ENV_FILE_NAMES) {
      const res = await api.request('GET', `/containers/${Id}/archive?path=${encodeURIComponent(`/host/${name}`)}`);
      if (res.status === 404) continue;
      if (res.status !== 200) throw new DockerApiError(`reading ${dir}/${name}: HTTP ${res.status}: ${res.body.toString().trim()}`);
      out.set(name, firstFileOfTar(res.body)?.toString('utf8') ?? null);
    }
  } finally {
    await api.request('DELETE', `/containers/${Id}?force=1`);
  }
  return out;
}
