/**
 * The Docker Engine API over the three connections an environment file names: `unix://` (the
 * socket), `tcp://` with client TLS, and `ssh://user@host[:port]`, the way the docker CLI does
 * it: `ssh … -- docker system dial-stdio` on the host, HTTP over the ssh process's stdin and
 * stdout. No client library: discover needs a dozen read calls and one helper container.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { Duplex, Readable } from 'stream';

/** API version of Debian 12's docker.io (20.10); newer engines still serve it. */
const API = '/v1.41';
const REQUEST_TIMEOUT_MS = 30_000;

export interface DockerConnection {
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host[:port]`. */
  readonly host: string;
  /** Client TLS files for tcp:// (paths readable from here). @default none */
  readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  /** Extra ssh options (the environment file's allow-listed ones). @default none */
  readonly sshOpts?: readonly string[];
  /**
   * The program and arguments that give a byte stream to the engine for ssh:// (tests give
   * `docker -H unix://… system dial-stdio`). @default ssh with sshOpts, then `docker system dial-stdio`
   */
  readonly dialCommand?: readonly string[];
}

export interface EngineResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** A failure to talk to the engine at all (not an HTTP error status). */
export class EngineUnreachable extends Error {}

/** The Docker engine answered a call with an error status. */
export class DockerApiError extends Error {}

/** The ssh command line of `ssh://user@host[:port]`, as the docker CLI builds it. */
export function sshDialCommand(host: string, sshOpts: readonly string[] = []): string[] {
  const m = /^ssh:\/\/([^@/]+)@([^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (!m) throw new EngineUnreachable(`"${host}" is not an ssh://user@host[:port] URL`);
  return ['ssh', ...sshOpts, ...(m[3] ? ['-p', m[3]] : []), '-o', 'BatchMode=yes', '--', `${m[1]}@${m[2]}`, 'docker', 'system', 'dial-stdio'];
}

export class DockerApi {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly base: http.RequestOptions;
  private readonly children: ChildProcess[] = [];
  private dialError = '';

  constructor(readonly connection: DockerConnection) {
    const { host } = connection;
    if (host.startsWith('unix://')) {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      this.base = { socketPath: host.slice('unix://'.length) };
    } else if (host.startsWith('tcp://')) {
      const m = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
      if (!m) throw new EngineUnreachable(`"${host}" is not a tcp://host:port URL`);
      if (!connection.tls) throw new EngineUnreachable('tcp:// needs client TLS files (an unencrypted Docker API is root on that host)');
      const read = (file: string) => {
        try {
          return fs.readFileSync(file);
        } catch (e) {
          throw new EngineUnreachable(`cannot read ${file}: ${(e as Error).message}`);
        }
      };
      this.transport = https;
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets: 4,
        ca: read(connection.tls.caFile),
        cert: read(connection.tls.certFile),
        key: read(connection.tls.keyFile),
      });
      this.base = { host: m[1], port: Number(m[2]) };
    } else if (host.startsWith('ssh://')) {
      const command = connection.dialCommand ?? sshDialCommand(host, connection.sshOpts);
      this.transport = http;
      // One ssh process per connection, kept alive for the following requests (one at a time).
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      (this.agent as unknown as { createConnection: () => Duplex }).createConnection = () => this.dial(command);
      this.base = { host: 'docker' };
    } else {
      throw new EngineUnreachable(`"${host}" is not a Docker host URL (unix://, tcp:// or ssh://)`);
    }
  }

  private dial(command: readonly string[]): Duplex {
    const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    child.stderr.on('data', (chunk: Buffer) => (this.dialError = `${this.dialError}${chunk.toString()}`.slice(-2000)));
    // http asks a socket for timeouts and keep-alive: a process's pipes have neither (the request times out on its own).
    const stream = Object.assign(Duplex.from({ readable: child.stdout, writable: child.stdin }), {
      setTimeout: () => stream,
      setNoDelay: () => stream,
      setKeepAlive: () => stream,
      ref: () => stream,
      unref: () => stream,
    });
    child.on('error', (e) => stream.destroy(new EngineUnreachable(`${command[0]}: ${e.message}`)));
    child.on('exit', (code) => {
      if (code) stream.destroy(new EngineUnreachable(`${command.join(' ')} exited ${code}${this.dialError ? `: ${this.dialError.trim()}` : ''}`));
    });
    return stream;
  }

  /** A request to the engine, its timeout (`timeoutMs` of silence) and failures turned into EngineUnreachable. */
  private send(
    method: string,
    apiPath: string,
    headers: http.OutgoingHttpHeaders,
    timeoutMs: number,
    onResponse: (res: http.IncomingMessage) => void,
    reject: (e: Error) => void,
  ): http.ClientRequest {
    const req = this.transport.request(
      { ...this.base, agent: this.agent, path: `${API}${apiPath}`, method, headers, timeout: timeoutMs },
      onResponse,
    );
    req.on('timeout', () => req.destroy(new EngineUnreachable(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (e) => {
      if (e instanceof EngineUnreachable) return reject(e);
      // A dial command that failed says why on stderr, often just after the pipe broke.
      setTimeout(() => reject(new EngineUnreachable(this.dialError.trim() || e.message)), this.children.length ? 200 : 0);
    });
    return req;
  }

  request(method: string, apiPath: string, body?: object): Promise<EngineResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const headers = payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {};
      const req = this.send(
        method,
        apiPath,
        headers,
        REQUEST_TIMEOUT_MS,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
        reject,
      );
      req.end(payload);
    });
  }

  /**
   * A call whose body (a tar for `PUT /containers/{id}/archive`) or answer (`GET …/archive`) is
   * streamed, never held in memory: backups of a database are as large as the database. Resolves
   * with the answer as soon as its headers arrive; `timeoutMs` is the longest silence allowed.
   */
  stream(method: string, apiPath: string, body?: Readable, timeoutMs = REQUEST_TIMEOUT_MS): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers = body ? { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' } : {};
      const req = this.send(method, apiPath, headers, timeoutMs, resolve, reject);
      if (body) {
        body.on('error', (e) => req.destroy(e));
        body.pipe(req);
      } else req.end();
    });
  }

  /** A call that must succeed (2xx); the parsed JSON body. */
  async json<T>(method: string, apiPath: string, body?: object): Promise<T> {
    const res = await this.request(method, apiPath, body);
    const text = res.body.toString();
    if (res.status < 200 || res.status >= 300) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: the raw text
      }
      throw new DockerApiError(`${method} ${apiPath}: HTTP ${res.status}: ${message}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Closes kept-alive connections and ends the ssh processes. */
  close(): void {
    this.agent.destroy();
    for (const child of this.children) if (child.exitCode === null) child.kill();
  }
}
