/**
 * A real MIT Kerberos KDC on loopback for tests: realm database, principals and keytabs in a
 * temp dir (KRB5_CONFIG / KRB5_KDC_PROFILE point there), a non-default port, stopped by `stop()`.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const SBIN = { PATH: `${process.env.PATH}:/usr/sbin:/sbin` };

export interface Kdc {
  readonly realm: string;
  readonly port: number;
  readonly dir: string;
  /** Creates a principal with random keys of the given types and exports them to a new keytab; returns its path. */
  addServicePrincipal(principal: string, encryptionTypes: readonly string[]): string;
  stop(): void;
}

/** A free TCP port on loopback (the KDC listens on it for TCP and UDP). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

export async function startKdc(realm: string, supportedEnctypes: readonly string[]): Promise<Kdc> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdc-'));
  const port = await freePort();
  const kdcConf = path.join(dir, 'kdc.conf');
  fs.writeFileSync(
    kdcConf,
    `[kdcdefaults]
 kdc_ports = ${port}
 kdc_tcp_ports = ${port}
[realms]
 ${realm} = {
  database_name = ${dir}/principal
  key_stash_file = ${dir}/stash
  acl_file = ${dir}/kadm5.acl
  supported_enctypes = ${supportedEnctypes.map((e) => `${e}:normal`).join(' ')}
  max_life = 1h
 }
[logging]
 kdc = FILE:${dir}/kdc.log
`,
  );
  const krb5Conf = path.join(dir, 'admin-krb5.conf');
  fs.writeFileSync(krb5Conf, `[libdefaults]\n default_realm = ${realm}\n[realms]\n ${realm} = {\n  kdc = 127.0.0.1:${port}\n }\n`);
  fs.writeFileSync(path.join(dir, 'kadm5.acl'), '');
  const env = { ...process.env, ...SBIN, KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('kdb5_util', ['create', '-s', '-r', realm, '-P', 'test-master-password']);
  const kdc: ChildProcess = spawn('krb5kdc', ['-n', '-r', realm], { env, stdio: 'ignore' });
  await waitForPort(port);
  return {
    realm,
    port,
    dir,
    addServicePrincipal(principal, encryptionTypes) {
      const types = encryptionTypes.map((e) => `${e}:normal`).join(',');
      const keytab = path.join(dir, `${principal.replace(/\W+/g, '_')}.keytab`);
      run('kadmin.local', ['-r', realm, '-q', `addprinc -randkey -e ${types} ${principal}`]);
      run('kadmin.local', ['-r', realm, '-q', `ktadd -k ${keytab} -e ${types} ${principal}`]);
      return keytab;
    },
    stop() {
      kdc.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
