/**
 * A real OpenLDAP server (slapd) on loopback for tests, serving ldaps:// with a certificate
 * from a private CA chain made here with openssl (root → intermediate → server): nothing
 * secret is committed. Everything lives in a temp dir; `stop()` kills slapd.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, waitForPort } from './kdc-server';

const SBIN = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };

export interface LdapServer {
  readonly url: string;
  readonly dir: string;
  /** PEM of the intermediate and root CA (the "full chain" an operator gets). */
  readonly caChainPem: string;
  stop(): void;
}

export interface LdapServerOptions {
  readonly suffix: string;
  readonly managerDN: string;
  readonly managerPassword: string;
  /** LDIF of the entries below the suffix (the suffix entry itself is created here). */
  readonly entries: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** root CA → intermediate CA → server certificate for 127.0.0.1/localhost. */
function makeChain(dir: string): void {
  const ext = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  ext('ca.ext', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  ext(
    'server.ext',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Test Root CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Test Intermediate CA');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'int.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-out',
    'int.pem',
    '-days',
    '2',
    '-extfile',
    'ca.ext',
  );
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'int.pem',
    '-CAkey',
    'int.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  fs.writeFileSync(path.join(dir, 'server-chain.pem'), read('server.pem') + read('int.pem'));
}

export async function startLdapServer(o: LdapServerOptions): Promise<LdapServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-'));
  makeChain(dir);
  const port = await freePort();
  fs.mkdirSync(path.join(dir, 'db'));
  const hash = execFileSync('slappasswd', ['-s', o.managerPassword], { env: SBIN, encoding: 'utf8' }).trim();
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(
    conf,
    `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${dir}/slapd.pid
TLSCertificateFile ${dir}/server-chain.pem
TLSCertificateKeyFile ${dir}/server.key
database mdb
suffix "${o.suffix}"
rootdn "${o.managerDN}"
rootpw ${hash}
directory ${dir}/db
access to * by dn.exact="${o.managerDN}" read by anonymous auth by * none
`,
  );
  const dc = /^dc=([^,]+)/.exec(o.suffix)![1];
  const ldif = `dn: ${o.suffix}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: ${dc}\ndc: ${dc}\n\n${o.entries}`;
  fs.writeFileSync(path.join(dir, 'data.ldif'), ldif);
  execFileSync('slapadd', ['-f', conf, '-l', path.join(dir, 'data.ldif')], { env: SBIN, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `ldaps://127.0.0.1:${port}`;
  const slapd: ChildProcess = spawn('slapd', ['-f', conf, '-h', `${url}/`, '-d', '0'], { env: SBIN, stdio: 'ignore' });
  await waitForPort(port);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    url,
    dir,
    caChainPem: read('int.pem') + read('root.pem'),
    stop() {
      slapd.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
