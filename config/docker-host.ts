/**
 * One Docker engine, several spellings: `ssh://deploy@h` and `ssh://root@h:22` reach the same
 * engine, and so do `unix:///run/docker.sock` and `unix:///var/run/docker.sock` (/var/run is
 * /run). Clash rules compare this normal form.
 */
import * as path from 'path';

const DEFAULT_SSH_PORT = '22';

/** `ssh://h:22`, `tcp://h:2376`, `unix:///run/docker.sock`: the user dropped, the host lower-cased, default port and /var/run resolved. */
export function normalDockerHost(host: string): string {
  const ssh = /^ssh:\/\/(?:[^@]*@)?([^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (ssh) return `ssh://${ssh[1].toLowerCase().replace(/\.$/, '')}:${Number(ssh[2] ?? DEFAULT_SSH_PORT)}`;
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp) return `tcp://${tcp[1].toLowerCase().replace(/\.$/, '')}:${Number(tcp[2])}`;
  const unix = /^unix:\/\/(\/.*)$/.exec(host);
  if (unix) return `unix://${path.posix.normalize(unix[1]).replace(/^\/var\/run\//, '/run/')}`;
  return host;
}
