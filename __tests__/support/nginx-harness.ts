/**
 * Runs the nginx.conf we deploy with the real nginx on loopback. The only changes are the
 * address mapping: upstream servers → local stubs, listen ports → high loopback ports,
 * certificate directory → the test's. Everything else is byte for byte the deployed file.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { promisify } from 'util';
import { NGINX_SSL_DIR } from '../../constructs/delivered-files';
import { resources, SynthOutput } from './synth';

export const NGINX = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

/** The nginx.conf uploaded into every nginx container of a synthesized stack, by container logical id. */
export function nginxConfigs(synth: SynthOutput, stack: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, c] of resources(synth.json(stack), 'docker_container')) {
    for (const u of c.upload ?? []) if (u.file === '/etc/nginx/nginx.conf') out.set(id, u.content);
  }
  return out;
}

export interface LoopbackMapping {
  /** `host:port` of an upstream server → `127.0.0.1:<port>`. */
  readonly upstream: (hostPort: string) => string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly sslDir: string;
}

/** `host:port` of every upstream server line. */
export function upstreamServers(conf: string): string[] {
  return [...conf.matchAll(/^\s+server (\S+);$/gm)].map((m) => m[1]);
}

export function mapToLoopback(conf: string, m: LoopbackMapping): string {
  return conf
    .replace(/^(\s+server )(\S+);$/gm, (_, lead: string, hostPort: string) => `${lead}${m.upstream(hostPort)};`)
    .replace(/^(\s+listen )80;$/m, `$1127.0.0.1:${m.httpPort};`)
    .replace(/^(\s+listen )443 ssl/m, `$1127.0.0.1:${m.httpsPort} ssl`)
    .split(`${NGINX_SSL_DIR}/`)
    .join(`${m.sslDir}/`);
}

const exec = promisify(execFile);

/**
 * `nginx -t` on a config file, with a private prefix and pid file. stdout is /dev/null: the
 * config logs to /dev/stdout, which cannot be opened on the socket Node gives a child.
 */
export async function nginxTest(prefix: string, confFile: string): Promise<{ ok: boolean; output: string }> {
  const child = spawn(NGINX, ['-t', '-p', prefix, '-c', confFile, '-g', `pid ${prefix}/nginx.pid;`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { ok: code === 0, output };
}

export async function startNginx(prefix: string, confFile: string, port: number): Promise<ChildProcess> {
  const child = spawn(NGINX, ['-p', prefix, '-c', confFile, '-g', `pid ${prefix}/nginx.pid; daemon off;`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    if (await canConnect(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`nginx did not listen on ${port}: ${stderr}`);
}

export async function stopNginx(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGQUIT');
  await done;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * `count` distinct free ports: all held open together, then released, so none is handed out twice.
 * Take them after starting the servers that listen on port 0, or one of those may get one of them.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer().listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** What a stub saw, echoed as JSON. */
export interface StubReply {
  readonly stub: string;
  readonly path: string;
  readonly host: string;
}

export type StubBehaviour = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** An HTTP server named after the upstream it plays; answers WebSocket upgrades with 101. */
export async function startStub(name: string, behaviour?: StubBehaviour): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    if (behaviour?.(req, res)) return;
    const reply: StubReply = { stub: name, path: req.url ?? '', host: req.headers.host ?? '' };
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(reply));
  });
  server.on('upgrade', (req, socket) => {
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Stub: ${name}\r\nX-Stub-Path: ${req.url}\r\n\r\n`);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return { server, port };
}

export interface CurlResult {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** curl over HTTPS with SNI and certificate verification (`--resolve` maps the name to loopback). */
export async function curl(url: string, opts: { resolve: string[]; cacert?: string; extra?: string[] }): Promise<CurlResult> {
  const args = [
    '-s',
    '-i',
    '--max-time',
    '5',
    ...(opts.cacert ? ['--cacert', opts.cacert] : []),
    ...opts.resolve.flatMap((r) => ['--resolve', r]),
    ...(opts.extra ?? []),
    url,
  ];
  let stdout: string;
  try {
    stdout = (await exec('curl', args, { encoding: 'utf8' })).stdout;
  } catch (e) {
    // A WebSocket stays open until --max-time: keep what was received.
    stdout = (e as { stdout?: string }).stdout ?? '';
    if (!stdout) throw e;
  }
  // The last header block (after a possible 100-continue).
  const split = stdout.indexOf('\r\n\r\n');
  const headers = split >= 0 ? stdout.slice(0, split) : stdout;
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(headers)?.[1] ?? 0);
  return { status, headers, body: split >= 0 ? stdout.slice(split + 4) : '' };
}

export function writeFile(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}
