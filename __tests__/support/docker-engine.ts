/**
 * The local Docker engine for conformance tests: the Engine API over its unix socket (Node
 * `http`, no client library), the `docker` CLI where the CLI itself is what is under test
 * (`--env-file` is parsed by the CLI, not the engine), and a local test image built from
 * Debian's static busybox, since no image can be pulled.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { tarArchive } from './docker-tar';

/** API version of Debian 12's docker.io (20.10); newer engines still serve it. */
const API = '/v1.41';
const REQUEST_TIMEOUT_MS = 20_000;

/** Built once per engine from `/bin/busybox` of busybox-static, reused afterwards. */
export const TEST_IMAGE = 'xivo-cdktf-test/busybox:local';
export const BUSYBOX = '/bin/busybox';
/**
 * TEST_IMAGE plus busybox's applet links in /bin (`sh`, `awk`, `cmp`...), as in the
 * `busybox` image our jobs run: built from TEST_IMAGE, without network.
 */
export const TEST_APPLETS_IMAGE = 'xivo-cdktf-test/busybox-applets:local';

export interface EngineResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** Starts dockerd with scripts/ci/start-dockerd.sh unless an engine already answers. */
export function startDockerd(): void {
  const script = path.join(__dirname, '..', '..', 'scripts', 'ci', 'start-dockerd.sh');
  try {
    execFileSync(script, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 45_000 });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`no Docker engine: ${script} failed${stderr ? `:\n${stderr}` : ''}`);
  }
}

export class DockerEngine {
  /** The engine of DOCKER_HOST (a unix socket) or /var/run/docker.sock. */
  static local(): DockerEngine {
    const host = process.env.DOCKER_HOST;
    if (host && !host.startsWith('unix://')) {
      throw new Error(`DOCKER_HOST=${host}: these tests read the files the engine writes, so they need a local unix socket`);
    }
    return new DockerEngine(host ? host.slice('unix://'.length) : '/var/run/docker.sock');
  }

  constructor(readonly socketPath: string) {}

  request(method: string, apiPath: string, body?: Buffer | object, contentType = 'application/json'): Promise<EngineResponse> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socketPath,
          path: `${API}${apiPath}`,
          method,
          headers: payload ? { 'Content-Type': contentType, 'Content-Length': payload.length } : {},
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath}: no answer from ${this.socketPath} within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request that must succeed (2xx); returns the parsed JSON body, if any. */
  async call<T = any>(method: string, apiPath: string, body?: Buffer | object, contentType?: string): Promise<T> {
    const res = await this.request(method, apiPath, body, contentType);
    const text = res.body.toString();
    if (res.status < 200 || res.status >= 300) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // not JSON: keep the raw text
      }
      throw new Error(`${method} ${apiPath}: HTTP ${res.status}: ${message.trim()}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Force-removes every container carrying `label` (leftovers of an interrupted run). */
  async removeLabelled(label: string): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    const found = await this.call<{ Id: string }[]>('GET', `/containers/json?all=1&filters=${filters}`);
    for (const { Id } of found) await this.call('DELETE', `/containers/${Id}?v=1&force=1`);
  }

  /** Builds TEST_IMAGE (scratch + static busybox) unless the engine has it. */
  async ensureTestImage(): Promise<void> {
    if ((await this.request('GET', `/images/${TEST_IMAGE}/json`)).status === 200) return;
    const busybox = fs.readFileSync(BUSYBOX);
    if (!isStaticElf(busybox)) throw new Error(`${BUSYBOX} is dynamically linked: install busybox-static (not busybox)`);
    const dockerfile = ['FROM scratch', `COPY busybox ${BUSYBOX}`, `CMD ["${BUSYBOX}", "sh"]`, ''].join('\n');
    const context = tarArchive([
      { name: 'Dockerfile', mode: 0o644, content: Buffer.from(dockerfile) },
      { name: 'busybox', mode: 0o755, content: busybox },
    ]);
    await this.build(TEST_IMAGE, context);
  }

  /** `docker build` of a tar context, without network (there is no default bridge). */
  private async build(tag: string, context: Buffer): Promise<void> {
    const res = await this.request('POST', `/build?t=${encodeURIComponent(tag)}&rm=1&forcerm=1&networkmode=none`, context, 'application/x-tar');
    // The build answers 200 and streams JSON lines; a failure is a line with `error`.
    const failure = res.body
      .toString()
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { error?: string })
      .find((line) => line.error);
    if (res.status !== 200 || failure) throw new Error(`building ${tag} failed: ${failure?.error ?? res.body.toString()}`);
  }

  /** Builds TEST_APPLETS_IMAGE (TEST_IMAGE + `busybox --install -s /bin`) unless the engine has it. */
  async ensureAppletsImage(): Promise<void> {
    await this.ensureTestImage();
    if ((await this.request('GET', `/images/${TEST_APPLETS_IMAGE}/json`)).status === 200) return;
    const dockerfile = [`FROM ${TEST_IMAGE}`, `RUN ["${BUSYBOX}", "--install", "-s", "/bin"]`, 'CMD ["/bin/sh"]', ''].join('\n');
    const context = tarArchive([{ name: 'Dockerfile', mode: 0o644, content: Buffer.from(dockerfile) }]);
    await this.build(TEST_APPLETS_IMAGE, context);
  }
}

/** The environment `docker run --env-file <file> TEST_IMAGE env` gives the process (parsed by the CLI). */
export function dockerRunEnv(envFile: string): Promise<Map<string, string>> {
  const args = ['run', '--rm', '--network', 'none', '--env-file', envFile, TEST_IMAGE, BUSYBOX, 'env'];
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`docker ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        return;
      }
      const env = new Map<string, string>();
      for (const line of stdout.split('\n').filter(Boolean)) {
        const eq = line.indexOf('=');
        env.set(line.slice(0, eq), line.slice(eq + 1));
      }
      resolve(env);
    });
  });
}

/** A 64-bit little-endian ELF without a PT_INTERP program header runs in a scratch image. */
function isStaticElf(elf: Buffer): boolean {
  const isElf64LE = elf.readUInt32BE(0) === 0x7f454c46 && elf[4] === 2 && elf[5] === 1;
  if (!isElf64LE) return true; // not something this check understands: let docker say
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  const PT_INTERP = 3;
  for (let i = 0; i < phnum; i++) if (elf.readUInt32LE(phoff + i * phentsize) === PT_INTERP) return false;
  return true;
}
