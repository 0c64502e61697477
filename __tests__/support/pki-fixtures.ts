/**
 * Test PKI made with the real openssl at test time (never committed): a root CA, an
 * intermediate CA and server certificates with chosen names, key sizes and dates.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const openssl = (args: string[], cwd: string, input?: string): string =>
  execFileSync('openssl', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

export interface Pki {
  readonly dir: string;
  /** Absolute paths. */
  readonly rootCert: string;
  readonly intermediateCert: string;
  readonly intermediateKey: string;
}

function ext(dir: string, name: string, body: string): string {
  const file = path.join(dir, `${name}.ext`);
  fs.writeFileSync(file, body);
  return file;
}

/** Root CA → intermediate CA, in `dir`. */
export function makePki(dir: string, bits = 2048): Pki {
  fs.mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      `rsa:${bits}`,
      '-nodes',
      '-keyout',
      'root.key',
      '-out',
      'root.crt',
      '-days',
      '30',
      '-subj',
      '/CN=Test Root CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(
    ['req', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', 'intermediate.key', '-out', 'intermediate.csr', '-subj', '/CN=Test Intermediate CA'],
    dir,
  );
  const caExt = ext(dir, 'ca', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'intermediate.csr',
      '-CA',
      'root.crt',
      '-CAkey',
      'root.key',
      '-CAcreateserial',
      '-out',
      'intermediate.crt',
      '-days',
      '30',
      '-extfile',
      caExt,
    ],
    dir,
  );
  return {
    dir,
    rootCert: path.join(dir, 'root.crt'),
    intermediateCert: path.join(dir, 'intermediate.crt'),
    intermediateKey: path.join(dir, 'intermediate.key'),
  };
}

export interface LeafOptions {
  readonly names: readonly string[];
  /** @default 2048 */
  readonly bits?: number;
  /** Sign with the intermediate (default) or the root. */
  readonly signer?: 'intermediate' | 'root';
  /** Validity window: `-not_before`/`-not_after` as YYYYMMDDHHMMSSZ. @default now, 30 days */
  readonly notBefore?: string;
  readonly notAfter?: string;
}

/** A server certificate `<name>.crt` + `<name>.key` signed by the PKI; returns absolute paths. */
export function makeLeaf(pki: Pki, name: string, options: LeafOptions): { cert: string; key: string } {
  const { dir } = pki;
  const bits = options.bits ?? 2048;
  openssl(['req', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${options.names[0]}`], dir);
  const leafExt = ext(
    dir,
    name,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${options.names.map((n) => (/^\d+(\.\d+){3}$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}`,
      '',
    ].join('\n'),
  );
  const [ca, caKey] = options.signer === 'root' ? ['root.crt', 'root.key'] : ['intermediate.crt', 'intermediate.key'];
  if (options.notBefore || options.notAfter) {
    // `openssl ca` is the only way to set explicit dates with openssl 3.0.
    const db = path.join(dir, `${name}-db`);
    fs.mkdirSync(db, { recursive: true });
    fs.writeFileSync(path.join(db, 'index.txt'), '');
    fs.writeFileSync(path.join(db, 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`);
    const conf = ext(
      dir,
      `${name}-ca`,
      [
        '[ca]',
        'default_ca=test',
        '[test]',
        `dir=${db}`,
        'database=$dir/index.txt',
        'serial=$dir/serial',
        'new_certs_dir=$dir',
        'default_md=sha256',
        'policy=any',
        'copy_extensions=none',
        'unique_subject=no',
        '[any]',
        'commonName=supplied',
        '',
      ].join('\n'),
    );
    openssl(
      [
        'ca',
        '-batch',
        '-config',
        conf,
        '-cert',
        ca,
        '-keyfile',
        caKey,
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.crt`,
        '-extfile',
        leafExt,
        '-notext',
        '-startdate',
        options.notBefore ?? '20200101000000Z',
        '-enddate',
        options.notAfter ?? '20991231000000Z',
      ],
      dir,
    );
  } else {
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        ca,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '30',
        '-extfile',
        leafExt,
      ],
      dir,
    );
  }
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}
